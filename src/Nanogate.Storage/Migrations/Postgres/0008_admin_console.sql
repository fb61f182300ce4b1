-- The operator's console (as SQLite's 0012): disabled accounts, credit deductions as a ledger kind of their own,
-- and the audit log of admin actions.
ALTER TABLE accounts ADD COLUMN disabled_at bigint;

ALTER TABLE ledger_entries DROP CONSTRAINT ledger_entries_kind_check;
ALTER TABLE ledger_entries ADD CONSTRAINT ledger_entries_kind_check CHECK (kind IN ('topup', 'reserve', 'capture', 'release', 'deduct'));

CREATE TABLE audit_log (
    id     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at     bigint NOT NULL,
    actor  text NOT NULL,
    action text NOT NULL,
    target text,
    detail text,
    ip     text
);
CREATE INDEX ix_audit_log_target ON audit_log(target, id);
