-- Checker's store on SQLite. Times are Unix milliseconds; JSON documents are TEXT.

CREATE TABLE users (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    name          TEXT    NOT NULL UNIQUE,
    role          TEXT    NOT NULL CHECK (role IN ('learner', 'instructor', 'admin')),
    password_hash TEXT    NOT NULL,
    created_at    INTEGER NOT NULL
);

-- Only the SHA-256 of a token is kept; the token itself is shown once.
CREATE TABLE api_tokens (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash TEXT    NOT NULL UNIQUE,
    label      TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER
);

-- Every spec version ever served, so a result stays tied to the spec it was graded against.
CREATE TABLE project_versions (
    project_id    TEXT    NOT NULL,
    version       TEXT    NOT NULL,
    title         TEXT    NOT NULL,
    spec          TEXT    NOT NULL,
    learner_files TEXT    NOT NULL,
    loaded_at     INTEGER NOT NULL,
    PRIMARY KEY (project_id, version)
);

CREATE TABLE submissions (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id      INTEGER NOT NULL REFERENCES users (id),
    project_id   TEXT    NOT NULL,
    spec_version TEXT    NOT NULL,
    source       TEXT    NOT NULL,
    status       TEXT    NOT NULL CHECK (status IN ('queued', 'running', 'graded', 'failed')),
    attempts     INTEGER NOT NULL DEFAULT 0,
    lease_owner  TEXT,
    lease_until  INTEGER,
    not_before   INTEGER NOT NULL,
    last_error   TEXT,
    created_at   INTEGER NOT NULL,
    started_at   INTEGER,
    finished_at  INTEGER
);
CREATE INDEX submissions_queue ON submissions (status, id);
CREATE INDEX submissions_user ON submissions (user_id, created_at);

CREATE TABLE submission_files (
    submission_id INTEGER NOT NULL REFERENCES submissions (id) ON DELETE CASCADE,
    path          TEXT    NOT NULL,
    contents      BLOB    NOT NULL,
    PRIMARY KEY (submission_id, path)
);

-- One report per submission: a graded one, or the last platform-failed attempt's.
CREATE TABLE results (
    submission_id INTEGER PRIMARY KEY REFERENCES submissions (id) ON DELETE CASCADE,
    spec_version  TEXT    NOT NULL,
    score         REAL    NOT NULL,
    bonus         REAL    NOT NULL,
    passed        BOOLEAN NOT NULL,
    duration_ms   INTEGER NOT NULL,
    report        TEXT    NOT NULL,
    graded_by     TEXT    NOT NULL,
    created_at    INTEGER NOT NULL
);

CREATE TABLE scores (
    user_id           INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    project_id        TEXT    NOT NULL,
    best_score        REAL    NOT NULL,
    best_bonus        REAL    NOT NULL,
    best_submission   INTEGER NOT NULL,
    latest_score      REAL    NOT NULL,
    latest_bonus      REAL    NOT NULL,
    latest_submission INTEGER NOT NULL,
    graded            INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL,
    PRIMARY KEY (user_id, project_id)
);

-- Progress of the grading in course, read by the server-sent events endpoint.
CREATE TABLE grading_events (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    submission_id INTEGER NOT NULL REFERENCES submissions (id) ON DELETE CASCADE,
    attempt       INTEGER NOT NULL,
    kind          TEXT    NOT NULL,
    payload       TEXT    NOT NULL
);
CREATE INDEX grading_events_submission ON grading_events (submission_id, id);

CREATE TABLE verdict_counts (
    verdict TEXT    PRIMARY KEY,
    count   INTEGER NOT NULL
);
