#!/usr/bin/python3
"""The whole triangle of 10 rows and the last row of 40 (big numbers)."""
pascal_triangle = __import__('0-pascal_triangle').pascal_triangle

for row in pascal_triangle(10):
    print(row)
triangle = pascal_triangle(40)
print(len(triangle), triangle[-1])
