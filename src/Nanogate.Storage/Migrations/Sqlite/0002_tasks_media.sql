-- Generated images (bytes live in files under {DataDirectory}/media), durable tasks with one row
-- per image (the work queue), and idempotency keys of task submissions.
CREATE TABLE media (
    id          TEXT PRIMARY KEY,                      -- med_…
    account_id  TEXT NOT NULL REFERENCES accounts(id),
    mime_type   TEXT NOT NULL,
    bytes       INTEGER NOT NULL,
    width       INTEGER NOT NULL,
    height      INTEGER NOT NULL,
    sha256      TEXT NOT NULL,                         -- hex; the ETag
    created_at  INTEGER NOT NULL,                      -- unix ms
    expires_at  INTEGER NOT NULL,                      -- unix ms: links stop working and the sweeper purges the file
    purged_at   INTEGER
);
CREATE INDEX ix_media_expiry ON media(expires_at) WHERE purged_at IS NULL;

CREATE TABLE tasks (
    id                TEXT PRIMARY KEY,                -- task_…
    account_id        TEXT NOT NULL REFERENCES accounts(id),
    model             TEXT NOT NULL,
    request           TEXT NOT NULL,                   -- JSON: the normalised request (prompt, aspect_ratio, resolution, n, warnings, …)
    request_id        TEXT NOT NULL,
    base_url          TEXT NOT NULL,                   -- scheme://host of the submit, for links in webhooks
    status            TEXT NOT NULL CHECK (status IN ('pending', 'running', 'succeeded', 'partially_succeeded', 'failed', 'canceled')),
    n                 INTEGER NOT NULL CHECK (n BETWEEN 1 AND 4),
    price             INTEGER NOT NULL,                -- credits per successful image
    reservation_id    TEXT NOT NULL REFERENCES reservations(id),
    credits_reserved  INTEGER NOT NULL,
    credits_charged   INTEGER NOT NULL DEFAULT 0,
    credits_refunded  INTEGER NOT NULL DEFAULT 0,
    callback_url      TEXT,
    webhook_url       TEXT,                            -- already {webhook}/callback
    error_code        TEXT,
    error_message     TEXT,
    created_at        INTEGER NOT NULL,
    started_at        INTEGER,
    canceled_at       INTEGER,                         -- cancel asked: queued images were canceled, retries stop
    completed_at      INTEGER
);
CREATE INDEX ix_tasks_account ON tasks(account_id, created_at DESC, id DESC);

CREATE TABLE task_images (
    task_id         TEXT NOT NULL REFERENCES tasks(id),
    idx             INTEGER NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'canceled')),
    attempt         INTEGER NOT NULL DEFAULT 0,        -- fencing token: every write of a worker names the attempt it claimed
    lease_until     INTEGER,                           -- unix ms, while running
    next_attempt_at INTEGER NOT NULL,                  -- unix ms, while queued
    media_id        TEXT REFERENCES media(id),
    mime_type       TEXT,
    width           INTEGER,
    height          INTEGER,
    text            TEXT,
    input_tokens    INTEGER NOT NULL DEFAULT 0,
    output_tokens   INTEGER NOT NULL DEFAULT 0,
    image_tokens    INTEGER NOT NULL DEFAULT 0,
    charged         INTEGER NOT NULL DEFAULT 0,
    error_code      TEXT,
    error_message   TEXT,
    started_at      INTEGER,
    completed_at    INTEGER,
    PRIMARY KEY (task_id, idx)
);
CREATE INDEX ix_task_images_queued ON task_images(next_attempt_at) WHERE status = 'queued';
CREATE INDEX ix_task_images_running ON task_images(lease_until) WHERE status = 'running';

CREATE TABLE idempotency_keys (
    account_id       TEXT NOT NULL REFERENCES accounts(id),
    key              TEXT NOT NULL,
    request_hash     TEXT NOT NULL,                    -- hex SHA-256 of method, path and body
    status           TEXT NOT NULL CHECK (status IN ('in_flight', 'done')),
    response_status  INTEGER,
    response_body    TEXT,
    response_location TEXT,
    created_at       INTEGER NOT NULL,
    PRIMARY KEY (account_id, key)
);
CREATE INDEX ix_idempotency_created ON idempotency_keys(created_at);
