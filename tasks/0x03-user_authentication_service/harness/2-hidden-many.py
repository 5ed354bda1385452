#!/usr/bin/env python3
"""find_user_by with several attributes."""
from sqlalchemy.orm.exc import NoResultFound
from db import DB

my_db = DB()
my_db.add_user("a@a.com", "h1")
my_db.add_user("b@b.com", "h2")
print(my_db.find_user_by(email="b@b.com", hashed_password="h2").id)
try:
    my_db.find_user_by(email="b@b.com", hashed_password="h1")
    print("found")
except NoResultFound:
    print("Not found")
