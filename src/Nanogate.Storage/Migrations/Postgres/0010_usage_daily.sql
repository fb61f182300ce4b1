-- Usage retention: settled reservations rolled up by UTC day (as SQLite's 0015). usage_daily keeps its foreign key
-- to accounts (0006 dropped those of the rows written per image): it is written by the hourly sweep only.
CREATE TABLE usage_daily (
    day_start  bigint NOT NULL,
    account_id text NOT NULL REFERENCES accounts(id),
    key_id     text,
    model      text,
    channel    text,
    purpose    text NOT NULL,
    requests   bigint NOT NULL,
    images     bigint NOT NULL,
    charged    bigint NOT NULL,
    refunded   bigint NOT NULL
);
CREATE INDEX ix_usage_daily_day ON usage_daily(day_start);
CREATE INDEX ix_tasks_reservation ON tasks(reservation_id);
CREATE INDEX ix_ledger_reservation ON ledger_entries(reservation_id) WHERE reservation_id IS NOT NULL;
