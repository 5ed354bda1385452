-- The indexes of names, and a search by first letter.
SELECT INDEX_NAME, SEQ_IN_INDEX, COLUMN_NAME, SUB_PART, NON_UNIQUE
FROM information_schema.STATISTICS
WHERE TABLE_SCHEMA = 'holberton' AND TABLE_NAME = 'names'
ORDER BY INDEX_NAME, SEQ_IN_INDEX;
SELECT COUNT(name) FROM names WHERE name LIKE 'k%';
