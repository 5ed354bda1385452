#!/usr/bin/env python3
"""DB.add_user stores users with new ids."""
from db import DB

my_db = DB()
user_1 = my_db.add_user("test@test.com", "SuperHashedPwd")
print(user_1.id)
user_2 = my_db.add_user("test1@test.com", "SuperHashedPwd1")
print(user_2.id)
print(user_2.email, user_2.hashed_password)
