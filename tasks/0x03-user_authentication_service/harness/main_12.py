#!/usr/bin/env python3
"""Auth.get_user_from_session_id."""
from auth import Auth

auth = Auth()
auth.register_user('bob@bob.com', 'MyPwdOfBob')
session_id = auth.create_session('bob@bob.com')
print(auth.get_user_from_session_id(session_id).email)
print(auth.get_user_from_session_id(None))
print(auth.get_user_from_session_id("not-a-session"))
