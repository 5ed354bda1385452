-- Pairs of numbers, some with a zero divisor.
DROP TABLE IF EXISTS numbers;
CREATE TABLE numbers (
    a INT DEFAULT 0,
    b INT DEFAULT 0
);
INSERT INTO numbers (a, b) VALUES (12, 4), (3, 8), (5, 3), (9, 0), (0, 7), (-6, 4), (1, 0);
