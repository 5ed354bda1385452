#!/usr/bin/env python3
"""Stores the users the HTTP checks authenticate as, through the learner's models.

alice@example.com / s3cret-Pass  ->  Basic YWxpY2VAZXhhbXBsZS5jb206czNjcmV0LVBhc3M=
carol@example.com / pa:ss:word   ->  Basic Y2Fyb2xAZXhhbXBsZS5jb206cGE6c3M6d29yZA==
"""
from models.user import User

User.load_from_file()
for user_id, email, password in [
        ("a11ce000-0000-4000-8000-000000000001", "alice@example.com",
         "s3cret-Pass"),
        ("ca201000-0000-4000-8000-000000000002", "carol@example.com",
         "pa:ss:word")]:
    if User.get(user_id) is None:
        user = User(id=user_id)
        user.email = email
        user.password = password
        user.save()
