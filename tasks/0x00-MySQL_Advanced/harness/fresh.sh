#!/bin/sh
# Usage: sh fresh.sh FILE...
# An empty `holberton` database, then every file run into it in order with the mysql client,
# as the school did (`cat FILE | mysql -uroot holberton`); stops at the first that fails.
mysql -uroot -e 'DROP DATABASE IF EXISTS holberton; CREATE DATABASE holberton;' || exit 99
for file in "$@"; do
    mysql -uroot holberton < "$file" || exit $?
done
