#!/usr/bin/env python3
"""3-main (annotations printed as on Python 3.7)"""
from py37_typing import py37, show

to_str = __import__('3-to_str').to_str

pi_str = to_str(3.14)
print(pi_str == str(3.14))
show(to_str.__annotations__)
print("to_str(3.14) returns {} which is a {}".format(pi_str, type(pi_str)))
