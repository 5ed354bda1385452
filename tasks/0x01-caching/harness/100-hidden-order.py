#!/usr/bin/python3
""" 100-hidden: None ignored at capacity; fewest uses first,
least recent among ties """
LFUCache = __import__('100-lfu_cache').LFUCache

my_cache = LFUCache()
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
print(my_cache.get("A"))
print(my_cache.get("C"))
print(my_cache.get("D"))
print(my_cache.get("B"))
my_cache.put("E", 5)
my_cache.print_cache()
print(my_cache.get("E"))
print(my_cache.get("E"))
my_cache.put("F", 6)
my_cache.print_cache()
