-- The view, then the view after the data changes (a view is a query, not a copy).
SELECT * FROM need_meeting;
UPDATE students SET score = 40 WHERE name = "Ana";
UPDATE students SET last_meeting = CURDATE() WHERE name = "Dan";
SELECT * FROM need_meeting;
