#!/bin/sh
# Usage: sh fresh.sh FILE...
# An empty `holberton` database, then every file run into it in order with the mysql client,
# as the school did (`cat FILE | mysql -uroot holberton`); stops at the first that fails.
# MySQL 5.7's client takes `DELIMITER;` (no space) as its delimiter command, MariaDB's sends it
# to the server: the space is put back first, and nothing else of the file is touched.
mysql -uroot -e 'DROP DATABASE IF EXISTS holberton; CREATE DATABASE holberton;' || exit 99
for file in "$@"; do
    sed -E 's/^([[:space:]]*[Dd][Ee][Ll][Ii][Mm][Ii][Tt][Ee][Rr])([^[:space:]])/\1 \2/' "$file" \
        | mysql -uroot holberton || exit $?
done
