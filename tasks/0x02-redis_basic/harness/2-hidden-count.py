#!/usr/bin/env python3
"""Task 2, hidden: the decorated method keeps its name and the count is per name."""
import redis

Cache = __import__('exercise').Cache

cache = Cache()
print(cache.store.__qualname__, cache.store.__name__)
for i in range(7):
    cache.store(i)
print(redis.Redis().get("Cache.store"))
