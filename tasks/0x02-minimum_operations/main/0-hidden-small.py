#!/usr/bin/python3
"""n = 0 and n = 1 need no operation; 9 needs 6 (the task's example)."""
minOperations = __import__('0-minoperations').minOperations

for n in (0, 1, 2, 9):
    print(n, minOperations(n))
