#!/usr/bin/python3
""" 0-hidden: None keys and items are ignored """
BasicCache = __import__('0-basic_cache').BasicCache

my_cache = BasicCache()
my_cache.put(None, "nothing")
my_cache.put("N", None)
my_cache.put(None, None)
my_cache.print_cache()
print(my_cache.get(None))
print(my_cache.get("missing"))
