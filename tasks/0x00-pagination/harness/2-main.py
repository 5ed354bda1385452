#!/usr/bin/env python3
"""
Main file (the dictionary is printed with its keys in the task's order, so
any order of the keys is accepted)
"""

Server = __import__('2-hypermedia_pagination').Server

KEYS = ('page_size', 'page', 'data', 'next_page', 'prev_page', 'total_pages')


def show(res):
    """Prints res with its keys in the task's order."""
    print({key: res[key] for key in KEYS})


server = Server()

show(server.get_hyper(1, 2))
print("---")
show(server.get_hyper(2, 2))
print("---")
show(server.get_hyper(100, 3))
print("---")
show(server.get_hyper(3000, 100))
