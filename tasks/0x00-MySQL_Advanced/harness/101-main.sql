-- The weighted average of every user at once.
CALL ComputeAverageWeightedScoreForUsers();
SELECT * FROM users;
