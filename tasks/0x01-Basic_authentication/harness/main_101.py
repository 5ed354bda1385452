#!/usr/bin/env python3
"""require_auth with excluded paths ending in `*`."""
from api.v1.auth.auth import Auth

auth = Auth()
excluded = ["/api/v1/stat*", "/api/v1/forbidden/"]
for path in ["/api/v1/users", "/api/v1/status", "/api/v1/stats",
             "/api/v1/stats/", "/api/v1/forbidden", "/api/v1/star"]:
    print(auth.require_auth(path, excluded))
