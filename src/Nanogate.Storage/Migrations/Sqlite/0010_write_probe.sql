-- One row that /readyz rewrites to prove the database takes a committed write (not only answers a read):
-- a full disk or a read-only file makes this fail while SELECT 1 still succeeds.
CREATE TABLE write_probe (id INTEGER PRIMARY KEY CHECK (id = 1), written_at INTEGER NOT NULL);
