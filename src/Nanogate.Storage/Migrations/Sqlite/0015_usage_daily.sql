-- Usage retention (issue 15): settled reservations older than Retention:UsageDays are rolled up into one row per
-- UTC day and account, key, model, channel and purpose, and deleted; the usage reports read this table and the
-- reservations left. A group can have several rows (one per sweep batch that met it): readers sum them.
-- The ledger entries of a rolled-up reservation are kept (the balance is their sum), their reservation_id cleared.
CREATE TABLE usage_daily (
    day_start  INTEGER NOT NULL,          -- unix ms of the UTC day's start
    account_id TEXT NOT NULL REFERENCES accounts(id),
    key_id     TEXT,
    model      TEXT,
    channel    TEXT,
    purpose    TEXT NOT NULL,             -- 'task', 'gemini:…', 'openai:images': per-channel reports count non-task requests
    requests   INTEGER NOT NULL,
    images     INTEGER NOT NULL,
    charged    INTEGER NOT NULL,
    refunded   INTEGER NOT NULL
);
CREATE INDEX ix_usage_daily_day ON usage_daily(day_start);
-- The sweep asks, per reservation, whether a task still holds it and which ledger entries point at it (also the
-- foreign-key checks of the delete): without these each would read the whole table.
CREATE INDEX ix_tasks_reservation ON tasks(reservation_id);
CREATE INDEX ix_ledger_reservation ON ledger_entries(reservation_id) WHERE reservation_id IS NOT NULL;
