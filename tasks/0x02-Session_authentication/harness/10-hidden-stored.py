#!/usr/bin/env python3
"""SessionDBAuth keeps sessions as UserSession objects in the file store:
a new instance (a restarted API) finds them, and they end with the
session. The store is read as the school's Base writes it (a JSON object
of objects by id in .db_UserSession.json), whatever Base.search returns."""
import json
import os
from flask import Flask, request
from api.v1.auth.session_db_auth import SessionDBAuth
from api.v1.auth.session_exp_auth import SessionExpAuth

os.environ["SESSION_DURATION"] = "60"
sa = SessionDBAuth()
print(isinstance(sa, SessionExpAuth))
session_id = sa.create_session("user-10")
print(os.path.exists(".db_UserSession.json"))
with open(".db_UserSession.json") as store:
    stored = [s for s in json.load(store).values()
              if s.get("session_id") == session_id]
print(len(stored), stored[0].get("user_id") if stored else None)
print(SessionDBAuth().user_id_for_session_id(session_id))
app = Flask(__name__)
with app.test_request_context(
        "/", headers={"Cookie": "_my_session_id=" + session_id}):
    print(bool(SessionDBAuth().destroy_session(request)))
print(SessionDBAuth().user_id_for_session_id(session_id))
