-- Git as a submission source: where a submission's files came from, the repositories learners
-- link to their accounts, and the webhook deliveries already handled (replays are refused).

CREATE TABLE submission_git (
    submission_id INTEGER PRIMARY KEY REFERENCES submissions (id) ON DELETE CASCADE,
    url           TEXT    NOT NULL, -- credentials removed
    rev           TEXT    NOT NULL, -- what was asked for: a branch, a tag, a commit
    commit_sha    TEXT    NOT NULL, -- what was graded
    dir           TEXT              -- the project's folder in the repository
);

CREATE TABLE repo_links (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    url        TEXT    NOT NULL, -- as given (it may carry a read token)
    url_key    TEXT    NOT NULL UNIQUE, -- normalised: one repository, one learner
    webhook_secret TEXT  NOT NULL, -- signs this repository's push deliveries
    created_at INTEGER NOT NULL
);
CREATE INDEX repo_links_user ON repo_links (user_id);

CREATE TABLE webhook_deliveries (
    delivery_id TEXT    PRIMARY KEY,
    received_at INTEGER NOT NULL
);

-- Results reported back per commit (`checker serve --git-callback-url`): one row per git
-- submission, retried with backoff until delivered or given up.
CREATE TABLE git_callbacks (
    submission_id INTEGER PRIMARY KEY REFERENCES submissions (id) ON DELETE CASCADE,
    attempts      INTEGER NOT NULL DEFAULT 0,
    next_at       INTEGER NOT NULL,
    delivered_at  INTEGER,
    given_up      BOOLEAN NOT NULL DEFAULT FALSE,
    last_error    TEXT
);
CREATE INDEX git_callbacks_due ON git_callbacks (delivered_at, given_up, next_at);
