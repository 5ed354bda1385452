-- The checks a graded submission failed, one row each, written with its result: "the checks a
-- class fails most" counts them in SQL instead of reading every learner's report.
CREATE TABLE failed_checks (
    submission_id BIGINT NOT NULL REFERENCES submissions (id) ON DELETE CASCADE,
    task_id       TEXT   NOT NULL,
    task_title    TEXT   NOT NULL,
    check_name    TEXT   NOT NULL,
    verdict       TEXT   NOT NULL
);
CREATE INDEX failed_checks_submission ON failed_checks (submission_id);

-- Those of every learner's latest graded submission, which is what the page reads.
INSERT INTO failed_checks (submission_id, task_id, task_title, check_name, verdict)
SELECT sc.latest_submission, COALESCE(t.value ->> 'id', ''), COALESCE(t.value ->> 'title', ''),
    COALESCE(c.value ->> 'name', ''), c.value ->> 'verdict'
FROM scores sc
JOIN results r ON r.submission_id = sc.latest_submission
CROSS JOIN LATERAL jsonb_array_elements(CASE WHEN jsonb_typeof(r.report::jsonb -> 'tasks') = 'array'
    THEN r.report::jsonb -> 'tasks' ELSE '[]'::jsonb END) t
CROSS JOIN LATERAL jsonb_array_elements(CASE WHEN jsonb_typeof(t.value -> 'checks') = 'array'
    THEN t.value -> 'checks' ELSE '[]'::jsonb END) c
WHERE c.value ->> 'verdict' <> 'passed';
