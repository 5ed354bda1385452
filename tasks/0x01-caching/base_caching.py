#!/usr/bin/python3
"""BaseCaching: the parent class every cache of this project inherits from.

Written for the grader from the behaviour the task describes: a MAX_ITEMS
constant of 4, the cache_data dictionary, print_cache printing the items in
key order, and put/get for the subclasses to implement. Placed for every
check, over any copy in the submission.
"""


class BaseCaching():
    """Constants of a caching system and where its data are stored."""
    MAX_ITEMS = 4

    def __init__(self):
        """Starts with an empty cache_data dictionary."""
        self.cache_data = {}

    def print_cache(self):
        """Prints the cache, one `key: value` line per item, keys sorted."""
        print("Current cache:")
        for key in sorted(self.cache_data.keys()):
            print("{}: {}".format(key, self.cache_data.get(key)))

    def put(self, key, item):
        """Adds an item to the cache."""
        raise NotImplementedError(
            "put must be implemented in your cache class")

    def get(self, key):
        """Gets an item by key."""
        raise NotImplementedError(
            "get must be implemented in your cache class")
