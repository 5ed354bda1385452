#!/usr/bin/python3
"""Large totals with many coins (where taking the biggest coin first happens
to be right), under the check's time limit."""
makeChange = __import__('0-making_change').makeChange

print(makeChange([1, 2, 5, 10, 20, 50, 100, 200, 500, 1000], 1000000))
print(makeChange([4, 6, 10, 14], 99999))
print(makeChange([1, 3, 9, 27, 81, 243, 729, 2187], 99999))
