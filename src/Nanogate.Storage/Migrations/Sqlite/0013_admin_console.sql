-- The operator's console: accounts can be disabled (their keys answer 403), credits can be deducted with a
-- reason (a ledger entry of its own kind), and every admin action is kept in an audit log.
ALTER TABLE accounts ADD COLUMN disabled_at INTEGER;

-- SQLite cannot change a CHECK constraint in place: the ledger is rebuilt with 'deduct' allowed (ids kept).
CREATE TABLE ledger_entries_new (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id     TEXT NOT NULL REFERENCES accounts(id),
    kind           TEXT NOT NULL CHECK (kind IN ('topup', 'reserve', 'capture', 'release', 'deduct')),
    amount         INTEGER NOT NULL CHECK (amount >= 0),
    reservation_id TEXT REFERENCES reservations(id),
    model          TEXT,
    note           TEXT,
    created_at     INTEGER NOT NULL
);
INSERT INTO ledger_entries_new (id, account_id, kind, amount, reservation_id, model, note, created_at)
    SELECT id, account_id, kind, amount, reservation_id, model, note, created_at FROM ledger_entries;
DROP TABLE ledger_entries;
ALTER TABLE ledger_entries_new RENAME TO ledger_entries;
CREATE INDEX ix_ledger_account ON ledger_entries(account_id, kind);

CREATE TABLE audit_log (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    at         INTEGER NOT NULL,          -- unix ms
    actor      TEXT NOT NULL,             -- "admin:<fingerprint of the admin key>" or "cli"
    action     TEXT NOT NULL,             -- e.g. "account.disable", "POST /admin/v1/accounts/{accountId}/keys"
    target     TEXT,                      -- the id or name acted on
    detail     TEXT,                      -- JSON: what changed (never a key or secret)
    ip         TEXT
);
CREATE INDEX ix_audit_log_target ON audit_log(target, id);
