#!/usr/bin/python3
"""100 x 100 grids (the task's largest) with water all around: a solid
square island and a snake-shaped one."""
island_perimeter = __import__('0-island_perimeter').island_perimeter

n = 100
square = [[int(0 < i < n - 1 and 0 < j < n - 1) for j in range(n)]
          for i in range(n)]
print(island_perimeter(square))
snake = [[0] * n for _ in range(n)]
for i in range(1, n - 1):
    if i % 2:
        snake[i][1:n - 1] = [1] * (n - 2)
    else:
        snake[i][1 if i % 4 == 0 else n - 2] = 1
print(island_perimeter(snake))
