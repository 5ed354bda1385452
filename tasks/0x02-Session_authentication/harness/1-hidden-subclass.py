#!/usr/bin/env python3
"""SessionAuth is an Auth, and the API's classes are its own."""
from api.v1.auth.auth import Auth
from api.v1.auth.session_auth import SessionAuth

print(issubclass(SessionAuth, Auth), isinstance(SessionAuth(), Auth))
