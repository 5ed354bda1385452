#!/usr/bin/env python3
"""102-main (annotations printed as on Python 3.7)"""
from py37_typing import py37, show

zoom_array = __import__('102-type_checking').zoom_array

show(zoom_array.__annotations__)
