-- The dashboard's browser sessions. Only the SHA-256 of the session cookie is kept; the CSRF
-- token of the session's forms lives beside it.
CREATE TABLE web_sessions (
    token_hash TEXT    PRIMARY KEY,
    user_id    BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf       TEXT    NOT NULL,
    created_at BIGINT  NOT NULL,
    expires_at BIGINT  NOT NULL
);
CREATE INDEX web_sessions_expiry ON web_sessions (expires_at);

-- A class's scores per project (the instructor's views).
CREATE INDEX scores_project ON scores (project_id);
-- A learner's submissions of one project, newest first (history, project page).
CREATE INDEX submissions_user_project ON submissions (user_id, project_id, id);
