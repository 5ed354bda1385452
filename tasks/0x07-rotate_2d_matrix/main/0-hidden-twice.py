#!/usr/bin/python3
"""Four rotations in place give the original matrix back; two give it
upside down."""
rotate_2d_matrix = __import__('0-rotate_2d_matrix').rotate_2d_matrix

matrix = [["a", "b", "c"], ["d", "e", "f"], ["g", "h", "i"]]
original = [row[:] for row in matrix]
rotate_2d_matrix(matrix)
rotate_2d_matrix(matrix)
print(matrix)
rotate_2d_matrix(matrix)
rotate_2d_matrix(matrix)
print(matrix == original)
