#!/usr/bin/env python3
"""0-main (annotations printed as on Python 3.7)"""
from py37_typing import py37, show

add = __import__('0-add').add

print(add(1.11, 2.22) == 1.11 + 2.22)
show(add.__annotations__)
