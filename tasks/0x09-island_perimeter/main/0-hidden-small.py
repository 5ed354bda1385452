#!/usr/bin/python3
"""No land at all, a single cell, a 2x2 block and a non-square grid."""
island_perimeter = __import__('0-island_perimeter').island_perimeter

print(island_perimeter([[0, 0, 0], [0, 0, 0], [0, 0, 0]]))
print(island_perimeter([[0, 0, 0], [0, 1, 0], [0, 0, 0]]))
print(island_perimeter([[0, 0, 0, 0], [0, 1, 1, 0], [0, 1, 1, 0],
                        [0, 0, 0, 0]]))
print(island_perimeter([[0, 0, 0, 0, 0, 0, 0],
                        [0, 1, 1, 1, 1, 0, 0],
                        [0, 0, 0, 0, 1, 1, 0],
                        [0, 0, 0, 0, 0, 0, 0]]))
