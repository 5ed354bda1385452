#!/usr/bin/env python3
"""find_user_by with several attributes: all must match."""
from sqlalchemy.orm.exc import NoResultFound
from db import DB

my_db = DB()
my_db.add_user("a@a.com", "h1")
my_db.add_user("b@b.com", "h2")
print(my_db.find_user_by(id=2, email="b@b.com").email)
try:
    my_db.find_user_by(id=2, email="a@a.com")
    print("found")
except NoResultFound:
    print("Not found")
