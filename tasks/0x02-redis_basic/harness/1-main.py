#!/usr/bin/env python3
"""Task 1: get with a conversion function, get_str and get_int."""
Cache = __import__('exercise').Cache

cache = Cache()
TEST_CASES = {
    b"foo": None,
    123: int,
    "bar": lambda d: d.decode("utf-8")
}
for value, fn in TEST_CASES.items():
    key = cache.store(value)
    print(repr(cache.get(key, fn=fn)), cache.get(key, fn=fn) == value)
