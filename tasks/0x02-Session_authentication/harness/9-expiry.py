#!/usr/bin/env python3
"""SessionExpAuth, with SESSION_DURATION set when the process starts, as
the API reads it: `short` (2 s) ends a session after 3 s of real time;
`never` (0, or not a number) keeps a session a day older; `no-date` (60)
refuses a session dictionary without created_at."""
import sys
import time
from datetime import timedelta
from api.v1.auth.session_exp_auth import SessionExpAuth

mode = sys.argv[1]
sa = SessionExpAuth()
session_id = sa.create_session("user-9")
if mode == "short":
    print(sa.create_session(None))
    print(sorted(sa.user_id_by_session_id[session_id]))
    print(sa.user_id_for_session_id(None))
    print(sa.user_id_for_session_id(session_id))
    time.sleep(3)
    print(sa.user_id_for_session_id(session_id))
elif mode == "never":
    session = sa.user_id_by_session_id[session_id]
    session["created_at"] = session["created_at"] - timedelta(days=1)
    print(sa.user_id_for_session_id(session_id))
elif mode == "no-date":
    sa.user_id_by_session_id["no-date"] = {"user_id": "user-9"}
    print(sa.user_id_for_session_id("no-date"))
