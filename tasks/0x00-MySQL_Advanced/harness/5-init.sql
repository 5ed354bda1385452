-- Users whose email may have been validated.
DROP TABLE IF EXISTS users;
CREATE TABLE users (
    id INT NOT NULL AUTO_INCREMENT,
    email VARCHAR(255) NOT NULL,
    name VARCHAR(255),
    valid_email BOOLEAN NOT NULL DEFAULT 0,
    PRIMARY KEY (id)
);
INSERT INTO users (email, name) VALUES ("ana@school.io", "Ana");
INSERT INTO users (email, name, valid_email) VALUES ("ben@school.io", "Ben", 1);
INSERT INTO users (email, name, valid_email) VALUES ("eve@school.io", "Eve", 1);
