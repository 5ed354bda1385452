#!/usr/bin/env python3
"""Authentication: passwords, sessions and reset tokens of users."""
import uuid
from typing import Union

import bcrypt
from sqlalchemy.orm.exc import NoResultFound

from db import DB
from user import User


def _hash_password(password: str) -> bytes:
    """The salted bcrypt hash of a password."""
    return bcrypt.hashpw(password.encode("utf-8"), bcrypt.gensalt())


def _generate_uuid() -> str:
    """A new UUID, as a string."""
    return str(uuid.uuid4())


class Auth:
    """Auth class to interact with the authentication database."""

    def __init__(self) -> None:
        """Opens the database."""
        self._db = DB()

    def _user(self, key: str, value: str) -> Union[User, None]:
        """The user whose attribute `key` is `value`, or None."""
        try:
            return self._db.find_user_by(**{key: value})
        except NoResultFound:
            return None

    def register_user(self, email: str, password: str) -> User:
        """Stores a new user; ValueError when the e-mail is taken."""
        if self._user("email", email) is not None:
            raise ValueError("User {} already exists".format(email))
        return self._db.add_user(email, _hash_password(password))

    def valid_login(self, email: str, password: str) -> bool:
        """Whether the password is the user's."""
        user = self._user("email", email)
        return user is not None and bcrypt.checkpw(
            password.encode("utf-8"), user.hashed_password)

    def create_session(self, email: str) -> Union[str, None]:
        """A new session id for the user, or None for an unknown e-mail."""
        user = self._user("email", email)
        if user is None:
            return None
        session_id = _generate_uuid()
        self._db.update_user(user.id, session_id=session_id)
        return session_id

    def get_user_from_session_id(self, session_id: str) -> Union[User, None]:
        """The user of a session id, or None."""
        if session_id is None:
            return None
        return self._user("session_id", session_id)

    def destroy_session(self, user_id: int) -> None:
        """Ends the user's session."""
        self._db.update_user(user_id, session_id=None)

    def get_reset_password_token(self, email: str) -> str:
        """A new reset token for the user; ValueError for an unknown
        e-mail."""
        user = self._user("email", email)
        if user is None:
            raise ValueError("no user for {}".format(email))
        token = _generate_uuid()
        self._db.update_user(user.id, reset_token=token)
        return token

    def update_password(self, reset_token: str, password: str) -> None:
        """Sets the password of the token's user and spends the token;
        ValueError for an unknown token."""
        user = self._user("reset_token", reset_token)
        if user is None:
            raise ValueError("unknown reset token")
        self._db.update_user(user.id, hashed_password=_hash_password(password),
                             reset_token=None)
