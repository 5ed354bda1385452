#!/usr/bin/env python3
"""authorization_header inside a real Flask request, with and without the header."""
from flask import Flask, request
from api.v1.auth.auth import Auth

app = Flask(__name__)
auth = Auth()
print(auth.authorization_header(None))
with app.test_request_context("/", headers={"Authorization": "Basic Zm9v"}):
    print(auth.authorization_header(request))
with app.test_request_context("/"):
    print(auth.authorization_header(request))
