-- The average is computed for the user named and stored in users.average_score.
CALL ComputeAverageScoreForUser((SELECT id FROM users WHERE name = "Ana"));
SELECT * FROM users;
CALL ComputeAverageScoreForUser((SELECT id FROM users WHERE name = "Ben"));
SELECT * FROM users;
