-- The checks each learner's latest graded submission of a project fails, one row each, replaced
-- with the latest result: "the checks a class fails most" counts them in SQL instead of reading
-- every learner's report.
CREATE TABLE latest_failed_checks (
    user_id       INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    project_id    TEXT    NOT NULL,
    submission_id INTEGER NOT NULL REFERENCES submissions (id) ON DELETE CASCADE,
    task_id       TEXT    NOT NULL,
    task_title    TEXT    NOT NULL,
    check_name    TEXT    NOT NULL,
    verdict       TEXT    NOT NULL
);
CREATE INDEX latest_failed_checks_project ON latest_failed_checks (project_id);
CREATE INDEX latest_failed_checks_learner ON latest_failed_checks (user_id, project_id);

INSERT INTO latest_failed_checks
    (user_id, project_id, submission_id, task_id, task_title, check_name, verdict)
SELECT sc.user_id, sc.project_id, sc.latest_submission, COALESCE(json_extract(t.value, '$.id'), ''),
    COALESCE(json_extract(t.value, '$.title'), ''), COALESCE(json_extract(c.value, '$.name'), ''),
    json_extract(c.value, '$.verdict')
FROM scores sc
JOIN results r ON r.submission_id = sc.latest_submission
JOIN json_each(CASE WHEN json_valid(r.report) AND json_type(r.report, '$.tasks') = 'array'
    THEN json_extract(r.report, '$.tasks') ELSE '[]' END) t
JOIN json_each(CASE WHEN json_type(t.value, '$.checks') = 'array'
    THEN json_extract(t.value, '$.checks') ELSE '[]' END) c
WHERE json_extract(c.value, '$.verdict') <> 'passed';
