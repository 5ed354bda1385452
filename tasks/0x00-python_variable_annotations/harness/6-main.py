#!/usr/bin/env python3
"""6-main (annotations printed as on Python 3.7)"""
from py37_typing import py37, show

sum_mixed_list = __import__('6-sum_mixed_list').sum_mixed_list

show(sum_mixed_list.__annotations__)
mixed = [5, 4, 3.14, 666, 0.99]
ans = sum_mixed_list(mixed)
print(ans == sum(mixed))
print("sum_mixed_list(mixed) returns {} which is a {}".format(ans, type(ans)))
