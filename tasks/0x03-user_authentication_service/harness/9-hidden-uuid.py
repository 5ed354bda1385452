#!/usr/bin/env python3
"""auth._generate_uuid returns a new UUID string each time."""
import uuid
import auth

first = auth._generate_uuid()
second = auth._generate_uuid()
print(type(first).__name__, str(uuid.UUID(first)) == first, first != second)
