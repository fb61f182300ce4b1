-- The webhook outbox: a row is written in the same transaction as a task's terminal state,
-- and a dispatcher delivers it (Standard Webhooks), retrying until 2xx, 410, or expiry.
CREATE TABLE webhook_deliveries (
    id              TEXT PRIMARY KEY,                  -- msg_…: the webhook-id, the same on every retry
    account_id      TEXT NOT NULL REFERENCES accounts(id),
    task_id         TEXT NOT NULL,
    url             TEXT NOT NULL,
    payload         TEXT NOT NULL,                     -- the exact JSON body that is signed and sent
    status          TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed', 'gone')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,                  -- unix ms
    expires_at      INTEGER NOT NULL,                  -- unix ms: give up after this (the media links expire)
    last_status     INTEGER,
    last_error      TEXT,
    created_at      INTEGER NOT NULL,
    delivered_at    INTEGER
);
CREATE INDEX ix_webhook_deliveries_due ON webhook_deliveries(next_attempt_at) WHERE status = 'pending';
