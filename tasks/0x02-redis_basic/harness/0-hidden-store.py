#!/usr/bin/env python3
"""Task 0, hidden: the constructor flushes, every type is stored, keys are new each time."""
import redis

local_redis = redis.Redis()
local_redis.set("left-over", "from an earlier run")
Cache = __import__('exercise').Cache
cache = Cache()
print("flushed:", local_redis.get("left-over") is None)
print("private client:", isinstance(cache._redis, redis.Redis))
keys = [cache.store(value) for value in ("text", b"bytes", 42, 2.5)]
print([local_redis.get(key) for key in keys])
print("distinct keys:", len(set(keys)) == 4)
