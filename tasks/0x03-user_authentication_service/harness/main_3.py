#!/usr/bin/env python3
"""DB.update_user changes attributes, ValueError for unknown ones."""
from db import DB

my_db = DB()
user = my_db.add_user("test@test.com", "hashedPwd")
print(user.id)
try:
    my_db.update_user(user.id, hashed_password="NewPwd")
    print("Password updated")
except ValueError:
    print("Error")
print(my_db.find_user_by(id=user.id).hashed_password)
try:
    my_db.update_user(user.id, no_such_column="x")
    print("Updated")
except ValueError:
    print("ValueError")
