#!/usr/bin/env python3
"""The User model's table and columns."""
from user import User

print(User.__tablename__)
for column in User.__table__.columns:
    print("{}: {}".format(column, column.type))
