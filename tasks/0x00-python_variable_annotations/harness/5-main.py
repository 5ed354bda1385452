#!/usr/bin/env python3
"""5-main (annotations printed as on Python 3.7)"""
from py37_typing import py37, show

sum_list = __import__('5-sum_list').sum_list

floats = [3.14, 1.11, 2.22]
floats_sum = sum_list(floats)
print(floats_sum == sum(floats))
show(sum_list.__annotations__)
print("sum_list(floats) returns {} which is a {}".format(
    floats_sum, type(floats_sum)))
