-- The rows written for every image no longer check their account_id against accounts by foreign key. Each such check
-- locks the account's row FOR KEY SHARE; with one busy account, dozens of transactions (submits, successes, webhook
-- writes) lock that one row at once, and PostgreSQL records every concurrent locker in a new multixact on the tuple
-- (rewritten with all its members at each new locker), which the submits' balance updates then have to carry along.
-- The benchmark measured 8 such checks per image, 2.4 s of the 12.4 s of server execution for 2,000 images
-- (bench/run.sh, docs/benchmarks.md). Moving the balance to a table of its own would not avoid that: the checks would
-- still lock the (then never updated) account row from many transactions at once.
--
-- What stands in their place, by construction of the statements that write these rows:
--   reservations     account_id is the row the same statement's conditional UPDATE of the balance found and locked
--                    (PostgresLedgerCommands.ReserveCtes: no reservation without that UPDATE's row).
--   tasks, ledger_entries  account_id is that of the reservation the same statement inserts or updates (reservation_id
--                    keeps its foreign key); a top-up's entry is inserted from the UPDATE of the account's row.
--   media, webhook_deliveries  account_id is that of the task the row belongs to, or of the authenticated caller.
-- No store deletes an account, so no account these rows refer to can go away. api_keys and idempotency_keys keep
-- theirs (not written per image). SQLite keeps every foreign key: its single writer takes no row locks.
ALTER TABLE reservations DROP CONSTRAINT reservations_account_id_fkey;
ALTER TABLE tasks DROP CONSTRAINT tasks_account_id_fkey;
ALTER TABLE ledger_entries DROP CONSTRAINT ledger_entries_account_id_fkey;
ALTER TABLE media DROP CONSTRAINT media_account_id_fkey;
ALTER TABLE webhook_deliveries DROP CONSTRAINT webhook_deliveries_account_id_fkey;
