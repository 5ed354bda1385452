#!/usr/bin/env python3
"""Auth's template answers: no path needs credentials yet, no header, no user."""
from api.v1.auth.auth import Auth

auth = Auth()
print(auth.require_auth("/api/v1/users/", ["/api/v1/users/"]))
print(auth.authorization_header())
print(auth.current_user())
