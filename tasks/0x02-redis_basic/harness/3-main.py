#!/usr/bin/env python3
"""Task 3: call_history keeps every call's inputs and outputs in two lists."""
Cache = __import__('exercise').Cache

cache = Cache()
keys = [cache.store("first"), cache.store("secont"), cache.store("third")]
inputs = cache._redis.lrange("{}:inputs".format(cache.store.__qualname__), 0, -1)
outputs = cache._redis.lrange("{}:outputs".format(cache.store.__qualname__), 0, -1)
print("inputs: {}".format(inputs))
print("outputs are the returned keys:", [o.decode() for o in outputs] == keys)
