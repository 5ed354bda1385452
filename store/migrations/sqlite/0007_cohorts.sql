-- A school's learners come in cohorts (a class, an intake): the instructor's grid is filtered by
-- one. A learner without a cohort is in none.
ALTER TABLE users ADD COLUMN cohort TEXT;
CREATE INDEX users_cohort ON users (cohort, name);

-- Kept with each learner's scores (in the transaction that changes them), so the class grid
-- sorts by mean and finds who is struggling without adding up every score of a school: the sum
-- of their best scores, and on how many projects the best is under 50%.
ALTER TABLE users ADD COLUMN best_total REAL NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN projects_below_half INTEGER NOT NULL DEFAULT 0;
UPDATE users SET
    best_total = COALESCE((SELECT SUM(best_score) FROM scores WHERE user_id = users.id), 0),
    projects_below_half = (SELECT COUNT(*) FROM scores WHERE user_id = users.id AND best_score < 50);

-- Each project's learners with a score and the sum of their best scores, by cohort ('': none),
-- kept in the transactions that change a score or a cohort: the class and cohort means of the
-- grid without adding up a school's scores on every page.
CREATE TABLE class_totals (
    project_id TEXT   NOT NULL,
    cohort     TEXT   NOT NULL,
    learners   INTEGER NOT NULL,
    score_sum  REAL NOT NULL,
    PRIMARY KEY (project_id, cohort)
);
INSERT INTO class_totals (project_id, cohort, learners, score_sum)
SELECT sc.project_id, COALESCE(u.cohort, ''), COUNT(*), SUM(sc.best_score)
FROM scores sc JOIN users u ON u.id = sc.user_id
WHERE u.role = 'learner'
GROUP BY sc.project_id, COALESCE(u.cohort, '');
