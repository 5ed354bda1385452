#!/usr/bin/env python3
"""Task 5: hash_password returns a salted bcrypt hash."""
import functools

import bcrypt

# The same salted hash at the lowest cost bcrypt allows (2^4 rounds instead of 2^12): a check
# of the hash's kind, not of the grading machine's speed.
bcrypt.gensalt = functools.partial(bcrypt.gensalt, rounds=4)
hash_password = __import__('encrypt_password').hash_password

password = "MyAmazingPassw0rd"
first = hash_password(password)
second = hash_password(password)
print(type(first))
print("bcrypt hash:", first.startswith(b"$2"))
print("matches:", bcrypt.checkpw(password.encode(), first))
print("salted:", first != second)
