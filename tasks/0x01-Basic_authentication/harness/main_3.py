#!/usr/bin/env python3
"""decode_base64_authorization_header."""
from api.v1.auth.basic_auth import BasicAuth

auth = BasicAuth()
for encoded in [None, 42, "not base64!", "Zm9v", "Zm9vOmJhcg==",
                "YWxpY2VAZXhhbXBsZS5jb206czNjcmV0"]:
    print(auth.decode_base64_authorization_header(encoded))
print(auth.decode_base64_authorization_header(
    auth.extract_base64_authorization_header("Basic Zm9vOmJhcg==")))
