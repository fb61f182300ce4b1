-- Upstream channels added through the admin API (configuration-defined ones are not stored).
-- The Google key is kept as given: it has to be sent upstream, so it cannot be hashed; the admin
-- API never returns it.
CREATE TABLE channels (
    name       TEXT PRIMARY KEY,
    kind       TEXT NOT NULL CHECK (kind IN ('gemini')),
    base_url   TEXT NOT NULL,
    api_key    TEXT NOT NULL,
    priority   INTEGER NOT NULL,
    enabled    INTEGER NOT NULL DEFAULT 1,
    created_at INTEGER NOT NULL
);
