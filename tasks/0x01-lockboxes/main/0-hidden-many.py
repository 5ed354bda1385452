#!/usr/bin/python3
"""300 boxes opened in a scrambled order, then the same with one lost key."""
canUnlockAll = __import__('0-lockboxes').canUnlockAll

n = 300
order = [(i * 7) % n for i in range(n)]
boxes = [[] for _ in range(n)]
for here, there in zip(order, order[1:]):
    boxes[here] = [there, (here + 1) % n]
print(canUnlockAll(boxes))
boxes = [[] for _ in range(n)]
for here, there in zip(order, order[1:]):
    boxes[here] = [there]
boxes[order[150]] = [order[0]]
print(canUnlockAll(boxes))
