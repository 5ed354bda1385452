#!/usr/bin/env python3
"""Auth.destroy_session sets the user's session_id to None."""
from auth import Auth

auth = Auth()
user = auth.register_user('bob@bob.com', 'MyPwdOfBob')
session_id = auth.create_session('bob@bob.com')
print(auth.destroy_session(user.id))
print(auth._db.find_user_by(id=user.id).session_id)
print(auth.get_user_from_session_id(session_id))
