#!/usr/bin/env python3
"""Task 1: RedactingFormatter redacts the fields it is given."""
import logging

RedactingFormatter = __import__('filtered_logger').RedactingFormatter

message = "name=Kim;email=kim@post.test;ssn=000-12-3456;password=kimkim2020;"
log_record = logging.LogRecord("my_logger", logging.INFO, None, None, message, None, None)
formatter = RedactingFormatter(fields=("email", "ssn", "password"))
print(formatter.format(log_record))
