#!/usr/bin/env python3
"""Which columns may be empty, and the primary key."""
from user import User

for column in User.__table__.columns:
    print(column.name, column.nullable, column.primary_key)
