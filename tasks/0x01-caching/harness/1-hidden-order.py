#!/usr/bin/python3
""" 1-hidden: None ignored at capacity; get does not change the order """
FIFOCache = __import__('1-fifo_cache').FIFOCache

my_cache = FIFOCache()
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
my_cache.put("C", 30)
my_cache.print_cache()
my_cache.put("E", 5)
my_cache.print_cache()
my_cache.put("F", 6)
my_cache.print_cache()
