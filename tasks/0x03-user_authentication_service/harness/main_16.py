#!/usr/bin/env python3
"""Auth.get_reset_password_token."""
import uuid
from auth import Auth

auth = Auth()
auth.register_user('bob@bob.com', 'MyPwdOfBob')
token = auth.get_reset_password_token('bob@bob.com')
print(str(uuid.UUID(token)) == token)
print(auth._db.find_user_by(email='bob@bob.com').reset_token == token)
try:
    auth.get_reset_password_token('nobody@bob.com')
    print("token")
except ValueError:
    print("ValueError")
