#!/usr/bin/env python3
"""extract_base64_authorization_header."""
from api.v1.auth.basic_auth import BasicAuth

auth = BasicAuth()
for header in [None, 42, "Bearer abc", "Basic Zm9v", "Basic Zm9vOmJhcg==",
               "Basicabc", "basic Zm9v"]:
    print(auth.extract_base64_authorization_header(header))
