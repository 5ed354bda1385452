#!/usr/bin/env python3
"""101-main (annotations printed as on Python 3.7)"""
from py37_typing import py37, show

safely_get_value = __import__('101-safely_get_value').safely_get_value
annotations = safely_get_value.__annotations__

print("Here's what the mappings should look like")
for k, v in annotations.items():
    print(("{}: {}".format(k, py37(str(v)))))
