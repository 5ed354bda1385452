#!/usr/bin/env python3
"""9-main (annotations printed as on Python 3.7)"""
from py37_typing import py37, show

element_length = __import__('9-element_length').element_length

show(element_length.__annotations__)
