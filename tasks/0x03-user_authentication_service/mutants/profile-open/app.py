#!/usr/bin/env python3
"""The user authentication service's Flask app."""
from flask import Flask, abort, jsonify, redirect, request

from auth import Auth

app = Flask(__name__)
AUTH = Auth()


@app.route("/", methods=["GET"], strict_slashes=False)
def index() -> str:
    """GET /: a welcome."""
    return jsonify({"message": "Bienvenue"})


@app.route("/users", methods=["POST"], strict_slashes=False)
def users() -> str:
    """POST /users: registers the form's email and password."""
    email = request.form.get("email")
    try:
        AUTH.register_user(email, request.form.get("password"))
    except ValueError:
        return jsonify({"message": "email already registered"}), 400
    return jsonify({"email": email, "message": "user created"})


@app.route("/sessions", methods=["POST"], strict_slashes=False)
def login() -> str:
    """POST /sessions: a session cookie for valid credentials, else 401."""
    email = request.form.get("email")
    if not AUTH.valid_login(email, request.form.get("password")):
        abort(401)
    response = jsonify({"email": email, "message": "logged in"})
    response.set_cookie("session_id", AUTH.create_session(email))
    return response


@app.route("/sessions", methods=["DELETE"], strict_slashes=False)
def logout() -> str:
    """DELETE /sessions: ends the cookie's session and goes to GET /."""
    user = AUTH.get_user_from_session_id(request.cookies.get("session_id"))
    if user is None:
        abort(403)
    AUTH.destroy_session(user.id)
    return redirect("/")


@app.route("/profile", methods=["GET"], strict_slashes=False)
def profile() -> str:
    """GET /profile: the e-mail of the cookie's user, else 403."""
    user = AUTH.get_user_from_session_id(request.cookies.get("session_id"))
    return jsonify({"email": user.email if user else None})


@app.route("/reset_password", methods=["POST"], strict_slashes=False)
def get_reset_password_token() -> str:
    """POST /reset_password: a reset token for a registered e-mail."""
    email = request.form.get("email")
    try:
        token = AUTH.get_reset_password_token(email)
    except ValueError:
        abort(403)
    return jsonify({"email": email, "reset_token": token})


@app.route("/reset_password", methods=["PUT"], strict_slashes=False)
def update_password() -> str:
    """PUT /reset_password: a new password for a valid reset token."""
    email = request.form.get("email")
    try:
        AUTH.update_password(request.form.get("reset_token"),
                             request.form.get("new_password"))
    except ValueError:
        abort(403)
    return jsonify({"email": email, "message": "Password updated"})


if __name__ == "__main__":
    app.run(host="0.0.0.0", port="5000")
