#!/usr/bin/env python3
"""PUT /reset_password through the learner's app (Flask's test client,
which keeps the token the app answered): a bad token is refused (403), the
right one sets the new password once."""
from app import app

client = app.test_client()
email = "bob@bob.com"
client.post("/users", data={"email": email, "password": "v1Pwd"})
print(client.put("/reset_password", data={
    "email": email, "reset_token": "nope", "new_password": "v2Pwd"})
    .status_code)
token = client.post("/reset_password",
                    data={"email": email}).get_json()["reset_token"]
answer = client.put("/reset_password", data={
    "email": email, "reset_token": token, "new_password": "v2Pwd"})
print(answer.status_code, sorted(answer.get_json().items()))
print(client.post("/sessions", data={
    "email": email, "password": "v2Pwd"}).status_code)
print(client.post("/sessions", data={
    "email": email, "password": "v1Pwd"}).status_code)
print(client.put("/reset_password", data={
    "email": email, "reset_token": token, "new_password": "v3Pwd"})
    .status_code)
