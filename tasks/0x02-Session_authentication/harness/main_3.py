#!/usr/bin/env python3
"""user_id_for_session_id: None for anything but a known session id,
whichever instance created it."""
from api.v1.auth.session_auth import SessionAuth

sa = SessionAuth()
session_id = sa.create_session("fghij")
print(sa.user_id_for_session_id())
print(sa.user_id_for_session_id(None))
print(sa.user_id_for_session_id(89))
print(sa.user_id_for_session_id("doesnotexist"))
print(sa.user_id_for_session_id(session_id))
print(SessionAuth().user_id_for_session_id(session_id))
