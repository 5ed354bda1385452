#!/usr/bin/env python3
"""8-main (annotations printed as on Python 3.7)"""
from py37_typing import py37, show

make_multiplier = __import__('8-make_multiplier').make_multiplier
show(make_multiplier.__annotations__)
fun = make_multiplier(2.22)
print("{}".format(fun(2.22)))
