#!/bin/sh
# Task 1: country defaults to US and takes only US, CO or TN.
mysql -uroot holberton < 1-country_users.sql || exit 1
echo 'INSERT INTO users (email, name) VALUES ("ana@school.io", "Ana");' | mysql -uroot holberton
echo 'INSERT INTO users (email, name, country) VALUES ("ben@school.io", "Ben", "CO");' | mysql -uroot holberton
echo 'INSERT INTO users (email, name, country) VALUES ("eve@school.io", "Eve", "TN");' | mysql -uroot holberton
if echo 'INSERT INTO users (email, name, country) VALUES ("dan@school.io", "Dan", "FR");' \
        | mysql -uroot holberton 2>/dev/null; then
    echo "country FR was accepted"
fi
echo 'SELECT * FROM users;' | mysql -uroot holberton
