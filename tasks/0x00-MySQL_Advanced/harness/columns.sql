-- The columns of every table of the database, as information_schema tells them (the same in
-- MySQL 5.7 and MariaDB 10.11, unlike SHOW CREATE TABLE).
SELECT TABLE_NAME, COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE, COLUMN_DEFAULT, COLUMN_KEY, EXTRA
FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = 'holberton'
ORDER BY TABLE_NAME, ORDINAL_POSITION;
