#!/usr/bin/env python3
"""Task 6: is_valid checks a password against its hash."""
import bcrypt

is_valid = __import__('encrypt_password').is_valid

hashed = bcrypt.hashpw(b"MyAmazingPassw0rd", bcrypt.gensalt(rounds=4))
print(is_valid(hashed, "MyAmazingPassw0rd"))
print(is_valid(hashed, "myamazingpassw0rd"))
print(is_valid(bcrypt.hashpw("Ünïcode".encode(), bcrypt.gensalt(rounds=4)), "Ünïcode"))
