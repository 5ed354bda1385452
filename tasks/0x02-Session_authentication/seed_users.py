#!/usr/bin/env python3
"""Stores the user the HTTP checks log in as, through the learner's models.

bob@example.com / b0b-Pass  ->  Basic Ym9iQGV4YW1wbGUuY29tOmIwYi1QYXNz
"""
from models.user import User

User.load_from_file()
if User.get("b0b00000-0000-4000-8000-000000000003") is None:
    user = User(id="b0b00000-0000-4000-8000-000000000003")
    user.email = "bob@example.com"
    user.password = "b0b-Pass"
    user.first_name = "Bob"
    user.save()
