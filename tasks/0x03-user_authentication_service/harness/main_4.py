#!/usr/bin/env python3
"""_hash_password returns a salted bcrypt hash as bytes."""
import bcrypt
from auth import _hash_password

hashed = _hash_password("Hello Holberton")
print(type(hashed).__name__)
print(bcrypt.checkpw(b"Hello Holberton", hashed))
print(bcrypt.checkpw(b"Hello Holbertom", hashed))
print(hashed != _hash_password("Hello Holberton"))
