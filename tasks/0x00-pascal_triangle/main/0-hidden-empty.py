#!/usr/bin/python3
"""n <= 0 gives an empty list; n = 1 a single row."""
pascal_triangle = __import__('0-pascal_triangle').pascal_triangle

print(pascal_triangle(0))
print(pascal_triangle(-3))
print(pascal_triangle(1))
