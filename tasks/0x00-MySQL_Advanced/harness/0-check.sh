#!/bin/sh
# Task 0: the table survives a second run, takes rows, refuses a second row with the same email.
mysql -uroot holberton < 0-uniq_users.sql || exit 1
echo 'INSERT INTO users (email, name) VALUES ("ana@school.io", "Ana");' | mysql -uroot holberton
echo 'INSERT INTO users (email, name) VALUES ("ben@school.io", "Ben");' | mysql -uroot holberton
if echo 'INSERT INTO users (email, name) VALUES ("ana@school.io", "Other");' \
        | mysql -uroot holberton 2>/dev/null; then
    echo "a second ana@school.io was accepted"
fi
echo 'SELECT * FROM users;' | mysql -uroot holberton
