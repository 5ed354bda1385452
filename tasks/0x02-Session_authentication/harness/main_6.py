#!/usr/bin/env python3
"""SessionAuth.current_user finds the user of the request's session
cookie (SESSION_NAME=_my_session_id), inside a real Flask request."""
from flask import Flask, request
from api.v1.auth.session_auth import SessionAuth
from models.user import User

user = User()
user.email = "bobsession@example.com"
user.password = "fake pwd"
user.save()
sa = SessionAuth()
session_id = sa.create_session(user.id)
app = Flask(__name__)
for cookie in ["_my_session_id=" + session_id, "_my_session_id=nope",
               "other_name=" + session_id, None]:
    headers = {"Cookie": cookie} if cookie else {}
    with app.test_request_context("/", headers=headers):
        found = sa.current_user(request)
        print(found.email if found is not None else None)
