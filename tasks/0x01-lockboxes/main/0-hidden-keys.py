#!/usr/bin/python3
"""Keys without boxes, a key found late opening an earlier box, one box."""
canUnlockAll = __import__('0-lockboxes').canUnlockAll

print(canUnlockAll([[1, 7, 1000], [2, 99], []]))
print(canUnlockAll([[2], [3], [1], []]))
print(canUnlockAll([[]]))
print(canUnlockAll([[0], [1], [2]]))
print(canUnlockAll([[3], [], [1], [0]]))
