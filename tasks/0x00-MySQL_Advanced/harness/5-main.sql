-- A changed email is no longer valid; any other change keeps it as it was.
UPDATE users SET valid_email = 1 WHERE email = "ana@school.io";
UPDATE users SET email = "ben@new.io" WHERE email = "ben@school.io";
UPDATE users SET name = "Evelyn" WHERE email = "eve@school.io";
UPDATE users SET email = "eve@school.io", name = "Eve" WHERE email = "eve@school.io";
SELECT * FROM users;
