#!/usr/bin/env python3
"""7-main (annotations printed as on Python 3.7; the square of 3 may be
9 or 9.0, the task asks for the square and a float annotation)"""
from py37_typing import py37, show

to_kv = __import__('7-to_kv').to_kv

show(to_kv.__annotations__)
print(to_kv("eggs", 3) == ('eggs', 9), type(to_kv("eggs", 3)))
print(to_kv("school", 0.02))
