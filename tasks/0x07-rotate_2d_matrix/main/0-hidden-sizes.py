#!/usr/bin/python3
"""1x1, 2x2, 4x4 and 5x5 matrices rotated in place; the function returns
nothing useful, so only the mutated matrix is printed."""
rotate_2d_matrix = __import__('0-rotate_2d_matrix').rotate_2d_matrix

for n in (1, 2, 4, 5):
    matrix = [[n * i + j for j in range(n)] for i in range(n)]
    rotate_2d_matrix(matrix)
    print(matrix)
