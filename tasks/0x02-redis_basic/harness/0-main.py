#!/usr/bin/env python3
"""Task 0: Cache.store writes to the local Redis and returns the key."""
import redis

Cache = __import__('exercise').Cache

cache = Cache()
data = b"hello"
key = cache.store(data)
print(type(key))
local_redis = redis.Redis()
print(local_redis.get(key))
