#!/usr/bin/env python3
"""create_session: None unless the user id is a string; a new UUID each
time, kept in the class attribute user_id_by_session_id."""
import uuid
from api.v1.auth.session_auth import SessionAuth

sa = SessionAuth()
print(type(SessionAuth.user_id_by_session_id).__name__)
print(sa.create_session())
print(sa.create_session(None))
print(sa.create_session(89))
first = sa.create_session("abcde")
second = sa.create_session("abcde")
print(type(first).__name__, str(uuid.UUID(first)) == first, first != second)
print(SessionAuth.user_id_by_session_id.get(first))
print(SessionAuth().user_id_by_session_id.get(second))
