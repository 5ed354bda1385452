#!/usr/bin/env python3
"""require_auth: excluded paths, slash tolerant."""
from api.v1.auth.auth import Auth

auth = Auth()
for path, excluded in [
        (None, None),
        (None, []),
        ("/api/v1/stats/", []),
        ("/api/v1/stats/", ["/api/v1/stats/"]),
        ("/api/v1/stats", ["/api/v1/stats/"]),
        ("/api/v1/users", ["/api/v1/stats/"]),
        ("/api/v1/users", ["/api/v1/status/", "/api/v1/stats/"]),
        ("/api/v1/users/", ["/api/v1/status/", "/api/v1/users/"]),
]:
    print(auth.require_auth(path, excluded))
