-- The queue bounds (Tasks:MaxQueuedImagesPerAccount, Tasks:MaxQueuedImages) are checked on every submit against the
-- images of the unfinished ('pending' or 'running') tasks, of the account and in all. Summing n over those tasks costs
-- O(queue) per submit even through ix_tasks_active (0011): with thousands of images queued a submit went from 0.28 ms
-- to 1.6-2.8 ms p50 and 2.2 ms of CPU (docs/benchmarks.md). This table holds the sum per account instead, kept in
-- step by triggers on tasks, so every statement that inserts a task, changes its status (or n, or account) or deletes
-- it is counted, whichever code runs it: the submit, the claim (pending -> running: both active, not counted), the
-- end (running -> succeeded/partially_succeeded/failed/canceled, also a cancel or a worker given up by a claim), the
-- retention sweep (deletes ended tasks only: not counted). A task's image handed back or retried goes back to
-- 'queued' in task_images while its task stays 'running': the task's n stays counted, as before.
-- The depth of an account is its row (none = 0); the total is the sum over the rows. A row reaching 0 is deleted, so
-- the total reads one row per account with a queue.
CREATE TABLE task_queue_depth (
    account_id TEXT PRIMARY KEY,
    images     INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TRIGGER tasks_queue_depth_insert AFTER INSERT ON tasks
WHEN NEW.status IN ('pending', 'running')
BEGIN
    INSERT INTO task_queue_depth (account_id, images) VALUES (NEW.account_id, NEW.n)
    ON CONFLICT (account_id) DO UPDATE SET images = images + excluded.images;
END;

-- Only a change of whether the task is active (or of the n or account of an active task) touches the counter.
CREATE TRIGGER tasks_queue_depth_update AFTER UPDATE OF status, n, account_id ON tasks
WHEN (OLD.status IN ('pending', 'running')) <> (NEW.status IN ('pending', 'running'))
  OR (NEW.status IN ('pending', 'running') AND (OLD.n <> NEW.n OR OLD.account_id <> NEW.account_id))
BEGIN
    UPDATE task_queue_depth SET images = images - OLD.n WHERE OLD.status IN ('pending', 'running') AND account_id = OLD.account_id;
    DELETE FROM task_queue_depth WHERE account_id = OLD.account_id AND images <= 0;
    INSERT INTO task_queue_depth (account_id, images) SELECT NEW.account_id, NEW.n WHERE NEW.status IN ('pending', 'running')
    ON CONFLICT (account_id) DO UPDATE SET images = images + excluded.images;
END;

CREATE TRIGGER tasks_queue_depth_delete AFTER DELETE ON tasks
WHEN OLD.status IN ('pending', 'running')
BEGIN
    UPDATE task_queue_depth SET images = images - OLD.n WHERE account_id = OLD.account_id;
    DELETE FROM task_queue_depth WHERE account_id = OLD.account_id AND images <= 0;
END;

-- The tasks queued when this migration runs (it runs in one write transaction: nothing changes meanwhile).
INSERT INTO task_queue_depth (account_id, images)
SELECT account_id, SUM(n) FROM tasks WHERE status IN ('pending', 'running') GROUP BY account_id;

-- ix_tasks_active served only the sum this table replaces.
DROP INDEX ix_tasks_active;
