#!/usr/bin/env python3
"""SessionExpAuth: a session stores user_id and created_at, and ends
SESSION_DURATION seconds after created_at (never with 0 or less, or a
duration that is not a number). The clock is moved by editing created_at,
as the task's session dictionary allows."""
import os
from datetime import timedelta
from api.v1.auth.session_exp_auth import SessionExpAuth


def aged(duration, seconds):
    """The user id of a new session made `seconds` older."""
    os.environ["SESSION_DURATION"] = duration
    sa = SessionExpAuth()
    session_id = sa.create_session("user-9")
    session = sa.user_id_by_session_id[session_id]
    session["created_at"] = session["created_at"] - timedelta(seconds=seconds)
    return sa.user_id_for_session_id(session_id)


sa = SessionExpAuth()
print(sa.create_session(None))
session_id = sa.create_session("user-9")
print(sorted(sa.user_id_by_session_id[session_id]))
print(sa.user_id_for_session_id(None))
print(aged("60", 0))
print(aged("60", 120))
print(aged("0", 100000))
print(aged("abc", 100000))
os.environ["SESSION_DURATION"] = "60"
sa = SessionExpAuth()
sa.user_id_by_session_id["no-date"] = {"user_id": "user-9"}
print(sa.user_id_for_session_id("no-date"))
