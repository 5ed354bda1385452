#!/usr/bin/env python3
"""2-main (annotations printed as on Python 3.7)"""
from py37_typing import py37, show

import math

floor = __import__('2-floor').floor

ans = floor(3.14)

print(ans == math.floor(3.14))
show(floor.__annotations__)
print("floor(3.14) returns {}, which is a {}".format(ans, type(ans)))
