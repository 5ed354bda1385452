#!/usr/bin/env python3
"""destroy_session: False without a request, a cookie or a known session;
True for a session, which is gone afterwards."""
from flask import Flask, request
from api.v1.auth.session_auth import SessionAuth

sa = SessionAuth()
session_id = sa.create_session("user-8")
app = Flask(__name__)
print(sa.destroy_session(None))
for headers in [{}, {"Cookie": "_my_session_id=unknown"},
                {"Cookie": "_my_session_id=" + session_id},
                {"Cookie": "_my_session_id=" + session_id}]:
    with app.test_request_context("/", headers=headers):
        print(bool(sa.destroy_session(request)))
print(sa.user_id_for_session_id(session_id))
