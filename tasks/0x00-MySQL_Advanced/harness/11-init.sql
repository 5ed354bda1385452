-- Students, their scores and last meetings, relative to today.
DROP TABLE IF EXISTS students;
CREATE TABLE students (
    name VARCHAR(255) NOT NULL,
    score INT DEFAULT 0,
    last_meeting DATE NULL
);
INSERT INTO students (name, score) VALUES ("Ana", 80);
INSERT INTO students (name, score) VALUES ("Ben", 79);
INSERT INTO students (name, score, last_meeting) VALUES ("Eve", 60, DATE_SUB(CURDATE(), INTERVAL 10 DAY));
INSERT INTO students (name, score, last_meeting) VALUES ("Dan", 50, DATE_SUB(CURDATE(), INTERVAL 3 MONTH));
INSERT INTO students (name, score, last_meeting) VALUES ("Ola", 95, DATE_SUB(CURDATE(), INTERVAL 1 YEAR));
INSERT INTO students (name, score) VALUES ("Kim", 12);
