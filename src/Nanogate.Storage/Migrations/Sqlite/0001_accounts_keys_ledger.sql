-- Accounts, API keys (hashed), and the credit ledger.
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE accounts (
    id                TEXT PRIMARY KEY,
    name              TEXT NOT NULL,
    created_at        INTEGER NOT NULL,
    -- Projection of the ledger (topups - reserves + releases), kept in step in the same
    -- transaction as every ledger entry so a reservation is one conditional UPDATE.
    credits_available INTEGER NOT NULL DEFAULT 0 CHECK (credits_available >= 0),
    webhook_secret    TEXT NOT NULL
);

CREATE TABLE api_keys (
    id             TEXT PRIMARY KEY,
    account_id     TEXT NOT NULL REFERENCES accounts(id),
    key_hash       TEXT NOT NULL UNIQUE,
    prefix         TEXT NOT NULL,
    name           TEXT,
    image_delivery TEXT,
    created_at     INTEGER NOT NULL,
    revoked_at     INTEGER
);
CREATE INDEX ix_api_keys_account ON api_keys(account_id);

CREATE TABLE reservations (
    id          TEXT PRIMARY KEY,
    account_id  TEXT NOT NULL REFERENCES accounts(id),
    amount      INTEGER NOT NULL CHECK (amount > 0),
    captured    INTEGER NOT NULL DEFAULT 0 CHECK (captured >= 0),
    released    INTEGER NOT NULL DEFAULT 0 CHECK (released >= 0),
    purpose     TEXT NOT NULL,
    model       TEXT,
    created_at  INTEGER NOT NULL,
    settled_at  INTEGER,
    CHECK (captured + released <= amount)
);
CREATE INDEX ix_reservations_open ON reservations(account_id) WHERE settled_at IS NULL;

CREATE TABLE ledger_entries (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id     TEXT NOT NULL REFERENCES accounts(id),
    kind           TEXT NOT NULL CHECK (kind IN ('topup', 'reserve', 'capture', 'release')),
    amount         INTEGER NOT NULL CHECK (amount >= 0),
    reservation_id TEXT REFERENCES reservations(id),
    model          TEXT,
    note           TEXT,
    created_at     INTEGER NOT NULL
);
CREATE INDEX ix_ledger_account ON ledger_entries(account_id, kind);
