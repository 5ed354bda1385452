#!/usr/bin/env python3
"""Task 0: filter_datum obfuscates the fields named."""
filter_datum = __import__('filtered_logger').filter_datum

fields = ["password", "date_of_birth"]
messages = ["name=ana;email=ana@post.test;password=fig-tree-42;date_of_birth=02/07/1990;",
            "name=ben;email=ben@mail.test;password=plum;date_of_birth=11/30/1984;"]
for message in messages:
    print(filter_datum(fields, 'xxx', message, ';'))
