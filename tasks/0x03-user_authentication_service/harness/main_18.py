#!/usr/bin/env python3
"""Auth.update_password: the new password works, the token is spent."""
from auth import Auth

auth = Auth()
auth.register_user('bob@bob.com', 'MyPwdOfBob')
token = auth.get_reset_password_token('bob@bob.com')
print(auth.update_password(token, 'NewPwd'))
print(auth.valid_login('bob@bob.com', 'NewPwd'))
print(auth.valid_login('bob@bob.com', 'MyPwdOfBob'))
print(auth._db.find_user_by(email='bob@bob.com').reset_token)
try:
    auth.update_password(token, 'Again')
    print("updated")
except ValueError:
    print("ValueError")
