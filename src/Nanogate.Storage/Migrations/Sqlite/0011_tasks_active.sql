-- The unfinished tasks of an account and in all, for the queue bounds (Tasks:MaxQueuedImagesPerAccount,
-- Tasks:MaxQueuedImages) checked on every submission: a covering index over only the active rows.
CREATE INDEX ix_tasks_active ON tasks(account_id, n) WHERE status IN ('pending', 'running');
