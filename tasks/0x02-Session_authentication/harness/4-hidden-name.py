#!/usr/bin/env python3
"""session_cookie reads the cookie SESSION_NAME names (here `sid`), and
is None without a request."""
from flask import Flask, request
from api.v1.auth.auth import Auth

print(Auth().session_cookie(None))
print(Auth().session_cookie())
app = Flask(__name__)
with app.test_request_context("/", headers={"Cookie": "sid=abc; x=y"}):
    print(Auth().session_cookie(request))
with app.test_request_context(
        "/", headers={"Cookie": "_my_session_id=abc"}):
    print(Auth().session_cookie(request))
