#!/usr/bin/env python3
"""Auth.create_session: a UUID stored as the user's session_id."""
import uuid
from auth import Auth

email = 'bob@bob.com'
password = 'MyPwdOfBob'
auth = Auth()
auth.register_user(email, password)
session_id = auth.create_session(email)
print(str(uuid.UUID(session_id)) == session_id)
print(auth._db.find_user_by(email=email).session_id == session_id)
print(auth.create_session("unknown@email.com"))
