#!/usr/bin/env python3
"""Task 2, hidden: the logger's name, level, propagation, handler and its formatter."""
import logging

filtered_logger = __import__('filtered_logger')

logger = filtered_logger.get_logger()
print(logger.name, logging.getLevelName(logger.level), logger.propagate)
print(sorted(filtered_logger.PII_FIELDS))
handlers = [h for h in logger.handlers if isinstance(h, logging.StreamHandler)]
print("stream handler:", len(handlers) >= 1)
formatter = handlers[0].formatter if handlers else None
print("redacting formatter:", isinstance(formatter, filtered_logger.RedactingFormatter))
