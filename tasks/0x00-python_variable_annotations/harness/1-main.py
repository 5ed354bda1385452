#!/usr/bin/env python3
"""1-main (annotations printed as on Python 3.7)"""
from py37_typing import py37, show

concat = __import__('1-concat').concat

str1 = "egg"
str2 = "shell"

print(concat(str1, str2) == "{}{}".format(str1, str2))
show(concat.__annotations__)
