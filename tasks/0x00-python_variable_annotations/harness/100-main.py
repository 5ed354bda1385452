#!/usr/bin/env python3
"""100-main (annotations printed as on Python 3.7)"""
from py37_typing import py37, show

safe_first_element = __import__(
    '100-safe_first_element').safe_first_element

show(safe_first_element.__annotations__)
