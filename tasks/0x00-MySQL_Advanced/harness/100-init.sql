-- Users, weighted projects and their corrections.
DROP TABLE IF EXISTS corrections;
DROP TABLE IF EXISTS users;
DROP TABLE IF EXISTS projects;
CREATE TABLE users (
    id INT NOT NULL AUTO_INCREMENT,
    name VARCHAR(255) NOT NULL,
    average_score FLOAT DEFAULT 0,
    PRIMARY KEY (id)
);
CREATE TABLE projects (
    id INT NOT NULL AUTO_INCREMENT,
    name VARCHAR(255) NOT NULL,
    weight INT DEFAULT 1,
    PRIMARY KEY (id)
);
CREATE TABLE corrections (
    user_id INT NOT NULL,
    project_id INT NOT NULL,
    score FLOAT DEFAULT 0,
    KEY user_id (user_id),
    KEY project_id (project_id),
    CONSTRAINT fk_user_id FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT fk_project_id FOREIGN KEY (project_id) REFERENCES projects (id) ON DELETE CASCADE
);
INSERT INTO users (name) VALUES ("Ana");
SET @ana = LAST_INSERT_ID();
INSERT INTO users (name) VALUES ("Ben");
SET @ben = LAST_INSERT_ID();
INSERT INTO users (name) VALUES ("Eve");
SET @eve = LAST_INSERT_ID();
INSERT INTO projects (name, weight) VALUES ("C is fun", 1);
SET @c = LAST_INSERT_ID();
INSERT INTO projects (name, weight) VALUES ("Python is cool", 3);
SET @py = LAST_INSERT_ID();
INSERT INTO projects (name, weight) VALUES ("SQL is hard", 6);
SET @sql = LAST_INSERT_ID();
INSERT INTO corrections (user_id, project_id, score) VALUES (@ana, @c, 80);
INSERT INTO corrections (user_id, project_id, score) VALUES (@ana, @py, 96);
INSERT INTO corrections (user_id, project_id, score) VALUES (@ana, @sql, 51);
INSERT INTO corrections (user_id, project_id, score) VALUES (@ben, @c, 40);
INSERT INTO corrections (user_id, project_id, score) VALUES (@ben, @py, 70);
INSERT INTO corrections (user_id, project_id, score) VALUES (@eve, @sql, 99);
