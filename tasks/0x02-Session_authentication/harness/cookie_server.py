#!/usr/bin/env python3
"""The task's Flask app that echoes Auth().session_cookie(request)."""
from flask import Flask, request
from api.v1.auth.auth import Auth

auth = Auth()
app = Flask(__name__)


@app.route('/', methods=['GET'], strict_slashes=False)
def root_path():
    """The session cookie's value."""
    return "Cookie value: {}\n".format(auth.session_cookie(request))


if __name__ == "__main__":
    app.run(host="0.0.0.0", port="5000")
