#!/usr/bin/env python3
"""Auth.register_user: a new user, then ValueError for the same e-mail."""
from auth import Auth

email = 'me@me.com'
password = 'mySecuredPwd'
auth = Auth()
for _ in range(2):
    try:
        user = auth.register_user(email, password)
        print("successfully created a new user!")
    except ValueError as err:
        print("could not create a new user: {}".format(err))
print(user.email, user.hashed_password != password)
