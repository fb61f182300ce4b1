-- The queue bounds' depth kept in step by triggers (as SQLite's 0016, which says why: summing n over the unfinished
-- tasks cost O(queue) per submit), with two differences: each account's depth is spread over up to 16 rows (the
-- shard is a hash of the task id), and the triggers are deferred to the commit.
--
-- Why, and why no deadlock (what the code does to tasks, checked statement by statement):
--   * A counter row is locked from the statement that changes it until the commit. One row per account would add a
--     hot row where there is none today: a task whose every image succeeded ends without touching its account's row
--     (ReleaseCtes updates accounts only when credits go back), so all endings of one busy account would queue on its
--     counter. The total is never one row (that would serialize every submit and ending of every account and
--     process).
--   * Measured with plain (immediate) triggers and the shards: the bench's end-to-end run (1,000 tasks of one
--     account, 64 workers, loaded machine) spent 67 s of its 106 s of server execution waiting in the ending's
--     counter update, because the ending held its shard for the rest of its transaction (the settle, the snapshot,
--     the outbox insert, a round trip each) and a group-committed batch of up to 32 submits held most of the 16
--     shards of its account until its flush. Deferred (constraint) triggers change the rows at the commit, the last
--     thing each transaction does: a shard is then held only for the commit's WAL flush.
--   * Only a change of active-ness touches a counter (the WHEN of the update trigger): the claim's one statement that
--     starts many tasks of many accounts (pending -> running) touches none, nor does a hand-back or a retry (the
--     task stays 'running'), nor the retention sweep (it deletes ended tasks only).
--   * At the commit a transaction already holds every other row it locks, so the shards are the last locks it
--     takes. An ending then takes one shard and waits for nothing more. A group-committed batch of submits goes in
--     account order and takes the shards of its accounts in that order; it holds those accounts' rows (its balance
--     updates), which no other batch can take meanwhile, so two batches never wait for each other's shards in
--     opposite orders. Anyone waiting for a shard thus waits for a transaction that is committing or is a batch
--     whose accounts it does not hold: no cycle.
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

CREATE CONSTRAINT TRIGGER tasks_queue_depth_insert AFTER INSERT ON tasks
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (NEW.status IN ('pending', 'running'))
EXECUTE FUNCTION tasks_queue_depth();

CREATE CONSTRAINT TRIGGER tasks_queue_depth_update AFTER UPDATE OF status, n, account_id, id ON tasks
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN ((OLD.status IN ('pending', 'running')) <> (NEW.status IN ('pending', 'running'))
    OR (NEW.status IN ('pending', 'running') AND (OLD.n, OLD.account_id, OLD.id) IS DISTINCT FROM (NEW.n, NEW.account_id, NEW.id)))
EXECUTE FUNCTION tasks_queue_depth();

CREATE CONSTRAINT TRIGGER tasks_queue_depth_delete AFTER DELETE ON tasks
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (OLD.status IN ('pending', 'running'))
EXECUTE FUNCTION tasks_queue_depth();

INSERT INTO task_queue_depth (account_id, shard, images)
SELECT account_id, (hashtextextended(id, 0) & 15)::smallint, sum(n) FROM tasks WHERE status IN ('pending', 'running') GROUP BY 1, 2;

-- ix_tasks_active served only the sum this table replaces; without it the claim's pending -> running no longer
-- changes a column an index depends on.
DROP INDEX ix_tasks_active;
