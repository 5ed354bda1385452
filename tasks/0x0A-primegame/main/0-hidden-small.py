#!/usr/bin/python3
"""Small games: Maria's wins, Ben's wins and a tie (None)."""
isWinner = __import__('0-prime_game').isWinner

print("Winner: {}".format(isWinner(3, [4, 5, 1])))
print("Winner: {}".format(isWinner(3, [2, 3, 5])))
print("Winner: {}".format(isWinner(2, [1, 2])))
print("Winner: {}".format(isWinner(1, [1])))
print("Winner: {}".format(isWinner(4, [10, 11, 12, 13])))
