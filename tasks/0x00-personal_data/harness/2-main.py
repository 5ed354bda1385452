#!/usr/bin/env python3
"""Task 2: get_logger's annotation and the five PII fields."""
import logging

filtered_logger = __import__('filtered_logger')

print(filtered_logger.get_logger.__annotations__.get('return'))
print("PII_FIELDS: {}".format(len(filtered_logger.PII_FIELDS)))
