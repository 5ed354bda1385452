#!/usr/bin/python3
""" 3-hidden: None ignored at capacity; a get counts as a use """
LRUCache = __import__('3-lru_cache').LRUCache

my_cache = LRUCache()
my_cache.put("A", 1)
my_cache.put("B", 2)
my_cache.put("C", 3)
my_cache.put("D", 4)
my_cache.put(None, "nothing")
my_cache.put("N", None)
my_cache.put(None, None)
my_cache.print_cache()
print(my_cache.get(None))
print(my_cache.get("missing"))
print(my_cache.get("A"))
my_cache.put("E", 5)
my_cache.print_cache()
print(my_cache.get("C"))
my_cache.put("F", 6)
my_cache.print_cache()
