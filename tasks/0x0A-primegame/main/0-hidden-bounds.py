#!/usr/bin/python3
"""100 rounds with n between 9000 and 10000 (the task's largest n)."""
isWinner = __import__('0-prime_game').isWinner

state = 2026
nums = []
for _ in range(100):
    state = (state * 1103515245 + 12345) % 2 ** 31
    nums.append(9000 + state % 1001)
print("Winner: {}".format(isWinner(100, nums)))
print("Winner: {}".format(isWinner(100, [9972, 10000] * 50)))
print("Winner: {}".format(isWinner(100, [9972] * 51 + [10000] * 49)))
