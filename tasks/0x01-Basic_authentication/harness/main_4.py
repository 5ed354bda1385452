#!/usr/bin/env python3
"""extract_user_credentials."""
from api.v1.auth.basic_auth import BasicAuth

auth = BasicAuth()
for decoded in [None, 42, "no colon here", "foo:bar", "alice@example.com:s3cret"]:
    print(auth.extract_user_credentials(decoded))
