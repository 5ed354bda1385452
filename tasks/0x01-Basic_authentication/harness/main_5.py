#!/usr/bin/env python3
"""user_object_from_credentials once a user is stored."""
import uuid
from api.v1.auth.basic_auth import BasicAuth
from models.user import User

auth = BasicAuth()
email, password = "{}@example.com".format(uuid.uuid4()), str(uuid.uuid4())
user = User()
user.email = email
user.first_name = "Ada"
user.last_name = "Lovelace"
user.password = password
user.save()
for candidate in [(None, None), (7, 8), ("nobody@example.com", password),
                  (email, "wrong"), (email, password)]:
    found = auth.user_object_from_credentials(*candidate)
    print(found.display_name() if found is not None else None)
