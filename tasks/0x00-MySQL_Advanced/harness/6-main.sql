-- Bonuses for known and new projects; a new project is created once.
CALL AddBonus((SELECT id FROM users WHERE name = "Ana"), "Python is cool", 100);
CALL AddBonus((SELECT id FROM users WHERE name = "Ana"), "Bonus project", 100);
CALL AddBonus((SELECT id FROM users WHERE name = "Ben"), "Bonus project", 10);
CALL AddBonus((SELECT id FROM users WHERE name = "Ben"), "New bonus", 90);
SELECT * FROM projects;
SELECT * FROM corrections;
