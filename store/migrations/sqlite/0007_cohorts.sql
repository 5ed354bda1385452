-- A school's learners come in cohorts (a class, an intake): the instructor's grid is filtered by
-- one. A learner without a cohort is in none.
ALTER TABLE users ADD COLUMN cohort TEXT;
CREATE INDEX users_cohort ON users (cohort, name);
