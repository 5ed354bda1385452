#!/usr/bin/env python3
"""Task 3: get_db connects with the PERSONAL_DATA_DB_* variables."""
get_db = __import__('filtered_logger').get_db

db = get_db()
cursor = db.cursor()
cursor.execute("SELECT COUNT(*) FROM users;")
for row in cursor:
    print(row[0])
cursor.close()
db.close()
