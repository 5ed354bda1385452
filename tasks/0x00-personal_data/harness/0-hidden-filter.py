#!/usr/bin/env python3
"""Task 0, hidden: other fields, redactions and separators; fields absent or repeated."""
filter_datum = __import__('filtered_logger').filter_datum

print(filter_datum(["ssn"], "[hidden]", "ssn=123-45-6789;city=Lagos;", ";"))
print(filter_datum(["email", "phone"], "***",
                   "email=a@b.test,phone=(212) 555-0100,ip=1.2.3.4,", ","))
print(filter_datum(["password"], "***", "name=kim;ip=10.0.0.1;", ";"))
print(filter_datum(["password"], "#", "password=a;password=b;", ";"))
