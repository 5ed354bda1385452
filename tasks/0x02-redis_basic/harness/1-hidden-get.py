#!/usr/bin/env python3
"""Task 1, hidden: get_str, get_int, and get of a missing key."""
Cache = __import__('exercise').Cache

cache = Cache()
print(repr(cache.get_str(cache.store("café"))))
print(repr(cache.get_int(cache.store(-17))))
print(repr(cache.get(cache.store(3.5))))
print(repr(cache.get("no-such-key")))
