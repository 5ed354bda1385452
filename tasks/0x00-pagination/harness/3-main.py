#!/usr/bin/env python3
"""
Main file (each dictionary is printed with its keys in the order of the
task's example, so any order of the keys is accepted)
"""

Server = __import__('3-hypermedia_del_pagination').Server

KEYS = ('index', 'data', 'page_size', 'next_index')


def show(res):
    """Prints res with its keys in the example's order."""
    print({key: res[key] for key in KEYS})


server = Server()

server.indexed_dataset()

try:
    server.get_hyper_index(300000, 100)
except AssertionError:
    print("AssertionError raised when out of range")

index = 3
page_size = 2

print("Nb items: {}".format(len(server._Server__indexed_dataset)))

# 1- request first index
res = server.get_hyper_index(index, page_size)
show(res)

# 2- request next index
show(server.get_hyper_index(res.get('next_index'), page_size))

# 3- remove the first index
del server._Server__indexed_dataset[res.get('index')]
print("Nb items: {}".format(len(server._Server__indexed_dataset)))

# 4- request again the initial index -> the first data retreives is not the
# same as the first request
show(server.get_hyper_index(index, page_size))

# 5- request again initial next index -> same data page as the request 2-
show(server.get_hyper_index(res.get('next_index'), page_size))
