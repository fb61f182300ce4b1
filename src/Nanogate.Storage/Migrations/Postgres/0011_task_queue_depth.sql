-- The queue bounds' depth kept in step by triggers (as SQLite's 0016, which says why: summing n over the unfinished
-- tasks cost O(queue) per submit), with one difference: each account's depth is spread over up to 16 rows, the shard
-- being a hash of the task id.
--
-- Why shards, and why no deadlock (what the code does to tasks, checked statement by statement):
--   * A counter row is locked from the statement that changes it until the commit. One row per account would add a
--     hot row where there is none today: a task whose every image succeeded ends without touching its account's row
--     (ReleaseCtes updates accounts only when credits go back), so all endings of one busy account would queue on its
--     counter, each for the rest of its transaction and its WAL flush (~2 ms on the benchmark's disk). With the task's
--     own shard, two endings meet only when their ids hash alike (1 in 16). The total is never one row (that would
--     serialize every submit and ending of every account and process).
--   * Only a change of active-ness touches a counter (the WHEN of the update trigger): the claim's one statement that
--     starts many tasks of many accounts (pending -> running) touches none, nor does a hand-back or a retry (the
--     task stays 'running'), nor the retention sweep (it deletes ended tasks only).
--   * Row triggers fire at the end of their statement, after the statement's other rows are locked. A submit
--     (PostgresTaskStore.CreateSql) first updates its account's balance row, then its counter shard: group-committed
--     batches go in account order, and a batch holding an account's counter shards also holds that account's row,
--     which no other batch can take meanwhile. An ending locks its task (and maybe its account) and then one shard;
--     it never waits afterwards for anything a submit holds (its reservation and outbox rows are its own).
--   * The one transaction that may end tasks of several accounts is a claim giving up images whose worker died;
--     two such claims meeting in opposite account order could already deadlock on the accounts' rows (the release),
--     and PostgresDatabase.WriteAsync retries a deadlock victim. The shards add no new order.
-- A shard row reaching 0 is deleted (a concurrent submit's INSERT ... ON CONFLICT then inserts afresh), so reading
-- the total sums the rows of the accounts with a queue, at most 16 each.
CREATE TABLE task_queue_depth (
    account_id text NOT NULL,
    shard      smallint NOT NULL,
    images     bigint NOT NULL,
    PRIMARY KEY (account_id, shard)
);

CREATE FUNCTION task_queue_depth_add(account text, task text, delta bigint) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    s smallint := (hashtextextended(task, 0) & 15)::smallint;
    left_over bigint;
BEGIN
    INSERT INTO task_queue_depth AS q (account_id, shard, images) VALUES (account, s, delta)
    ON CONFLICT (account_id, shard) DO UPDATE SET images = q.images + excluded.images
    RETURNING q.images INTO left_over;
    -- Only at exactly 0: the sum over an account's rows stays exact even if a task were ever taken out of another
    -- shard than it was counted in (a row may then go below 0 and stays until it is back at 0).
    IF left_over = 0 THEN
        DELETE FROM task_queue_depth WHERE account_id = account AND shard = s;
    END IF;
END $$;

CREATE FUNCTION tasks_queue_depth() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        IF OLD.status IN ('pending', 'running') THEN
            PERFORM task_queue_depth_add(OLD.account_id, OLD.id, -OLD.n);
        END IF;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        IF NEW.status IN ('pending', 'running') THEN
            PERFORM task_queue_depth_add(NEW.account_id, NEW.id, NEW.n);
        END IF;
    END IF;
    RETURN NULL;
END $$;

-- No concurrent write to tasks until this migration commits: the backfill below counts every task exactly once.
LOCK TABLE tasks IN SHARE ROW EXCLUSIVE MODE;

CREATE TRIGGER tasks_queue_depth_insert AFTER INSERT ON tasks
FOR EACH ROW WHEN (NEW.status IN ('pending', 'running'))
EXECUTE FUNCTION tasks_queue_depth();

CREATE TRIGGER tasks_queue_depth_update AFTER UPDATE OF status, n, account_id, id ON tasks
FOR EACH ROW WHEN ((OLD.status IN ('pending', 'running')) <> (NEW.status IN ('pending', 'running'))
    OR (NEW.status IN ('pending', 'running') AND (OLD.n, OLD.account_id, OLD.id) IS DISTINCT FROM (NEW.n, NEW.account_id, NEW.id)))
EXECUTE FUNCTION tasks_queue_depth();

CREATE TRIGGER tasks_queue_depth_delete AFTER DELETE ON tasks
FOR EACH ROW WHEN (OLD.status IN ('pending', 'running'))
EXECUTE FUNCTION tasks_queue_depth();

INSERT INTO task_queue_depth (account_id, shard, images)
SELECT account_id, (hashtextextended(id, 0) & 15)::smallint, sum(n) FROM tasks WHERE status IN ('pending', 'running') GROUP BY 1, 2;

-- ix_tasks_active served only the sum this table replaces; without it the claim's pending -> running no longer
-- changes a column an index depends on.
DROP INDEX ix_tasks_active;
