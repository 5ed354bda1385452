-- The weighted average of one user at a time.
CALL ComputeAverageWeightedScoreForUser((SELECT id FROM users WHERE name = "Ben"));
SELECT * FROM users;
CALL ComputeAverageWeightedScoreForUser((SELECT id FROM users WHERE name = "Ana"));
SELECT * FROM users;
