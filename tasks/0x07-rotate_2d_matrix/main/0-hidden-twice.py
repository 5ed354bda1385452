#!/usr/bin/python3
"""Two rotations in place turn the matrix upside down; four give the
original back."""
rotate_2d_matrix = __import__('0-rotate_2d_matrix').rotate_2d_matrix

matrix = [[1, 2, 3], [4, 5, 6], [7, 8, 9]]
original = [row[:] for row in matrix]
rotate_2d_matrix(matrix)
rotate_2d_matrix(matrix)
print(matrix)
rotate_2d_matrix(matrix)
rotate_2d_matrix(matrix)
print(matrix == original)
