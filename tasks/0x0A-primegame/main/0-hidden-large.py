#!/usr/bin/python3
"""x = 10000 rounds with n up to 10000 (the task's bounds), under the
check's time limit."""
isWinner = __import__('0-prime_game').isWinner

state = 12345
nums = []
for _ in range(10000):
    state = (state * 1103515245 + 12345) % 2 ** 31
    nums.append(state % 10000 + 1)
print("Winner: {}".format(isWinner(10000, nums)))
print("Winner: {}".format(isWinner(10000, [10000] * 10000)))
print("Winner: {}".format(isWinner(10000, [9972] * 10000)))
print("Winner: {}".format(isWinner(10000, [9972, 10000] * 5000)))
