#!/usr/bin/env python3
"""Task 2: count_calls counts Cache.store's calls under its qualified name."""
Cache = __import__('exercise').Cache

cache = Cache()
cache.store(b"first")
print(cache.get(cache.store.__qualname__))
cache.store(b"second")
cache.store(b"third")
print(cache.get(cache.store.__qualname__))
