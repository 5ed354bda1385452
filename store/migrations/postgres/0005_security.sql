-- Submission slots: one row per attempt to submit (an upload, a git submission, a graded push),
-- taken before the body is read or the commit fetched, so concurrent attempts cannot all pass
-- the rate limit and refused attempts count too. Rows older than the window are deleted as
-- slots are taken.
CREATE TABLE submission_slots (
    id       BIGSERIAL PRIMARY KEY,
    user_id  BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    taken_at BIGINT NOT NULL
);
CREATE INDEX submission_slots_user ON submission_slots (user_id, taken_at);

-- A link is confirmed by the first delivery signed with its own secret (only someone who can
-- set the repository's webhook can send one); until then another learner may link the
-- repository instead. Links made before confirmation existed count as confirmed.
ALTER TABLE repo_links ADD COLUMN confirmed_at BIGINT;
UPDATE repo_links SET confirmed_at = created_at;
