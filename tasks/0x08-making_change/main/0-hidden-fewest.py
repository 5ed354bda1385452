#!/usr/bin/python3
"""Totals where taking the biggest coin first is not the fewest coins, or
does not reach the total at all."""
makeChange = __import__('0-making_change').makeChange

print(makeChange([1, 3, 4], 6))
print(makeChange([9, 6, 5, 1], 11))
print(makeChange([5, 3], 9))
print(makeChange([25, 10, 1], 30))
