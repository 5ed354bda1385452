#!/usr/bin/env python3
"""The task's own example: rows 3, 6 and 7 deleted between two pages."""

import csv

Server = __import__('3-hypermedia_del_pagination').Server

server = Server()
with open('Popular_Baby_Names.csv') as table:
    dataset = list(csv.reader(table))[1:]


def show(res):
    """Prints the index, the next index and the positions of the rows."""
    positions = [dataset.index(row) for row in res['data']]
    print(res['index'], res['next_index'], positions)


show(server.get_hyper_index(0, 10))
indexed = server.indexed_dataset()
for gone in (3, 6, 7):
    del indexed[gone]
show(server.get_hyper_index(10, 10))
show(server.get_hyper_index(0, 10))
show(server.get_hyper_index(20, 5))
