#!/usr/bin/python3
"""A total of 0 or less needs 0 coins; an unreachable total gives -1."""
makeChange = __import__('0-making_change').makeChange

print(makeChange([1, 2, 25], 0))
print(makeChange([1, 2, 25], -10))
print(makeChange([5, 10], 3))
print(makeChange([7], 14))
