-- The unfinished tasks of an account and in all, for the queue bounds (as SQLite's 0011).
CREATE INDEX ix_tasks_active ON tasks(account_id, n) WHERE status IN ('pending', 'running');
