#!/usr/bin/env python3
"""get_page: defaults, the last (partial) page, past the end, a float page
(the harness counts the rows itself: it relies on get_page alone)."""

Server = __import__('1-simple_pagination').Server

server = Server()
with open('Popular_Baby_Names.csv') as table:
    total = sum(1 for _ in table) - 1
print("rows:", total)
print("default page:", [row[3] for row in server.get_page()])
last = total // 7 + 1
print("last page:", server.get_page(last, 7))
print("past the end:", server.get_page(last + 1, 7))
print("one row per page:", server.get_page(total, 1))
try:
    server.get_page(1.0, 5)
    print("no AssertionError for page 1.0")
except AssertionError:
    print("AssertionError raised for page 1.0")
try:
    server.get_page(1, -3)
    print("no AssertionError for page_size -3")
except AssertionError:
    print("AssertionError raised for page_size -3")
