-- Task listings go newest first by insertion order (rowid): two tasks can share a millisecond.
-- An index on account_id alone is ordered by (account_id, rowid), which is exactly that order.
DROP INDEX IF EXISTS ix_tasks_account;
CREATE INDEX ix_tasks_account_seq ON tasks(account_id);
