#!/usr/bin/env python3
"""user_object_from_credentials when no user was ever stored (no file, nothing loaded)."""
import os

if os.path.exists(".db_User.json"):
    os.remove(".db_User.json")
from api.v1.auth.basic_auth import BasicAuth  # noqa: E402

print(BasicAuth().user_object_from_credentials("alice@example.com", "s3cret"))
