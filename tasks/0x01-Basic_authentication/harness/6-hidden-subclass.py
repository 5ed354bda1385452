#!/usr/bin/env python3
"""BasicAuth is an Auth."""
from api.v1.auth.auth import Auth
from api.v1.auth.basic_auth import BasicAuth

print(issubclass(BasicAuth, Auth), isinstance(BasicAuth(), Auth))
