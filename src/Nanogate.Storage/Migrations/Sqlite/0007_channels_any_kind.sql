-- Channel kinds belong to the upstream layer (gemini, vertex, openai-images, task-relay, simulator, …),
-- so the table no longer lists them; kind-specific and routing settings travel as one JSON column.
-- SQLite cannot drop a CHECK constraint, hence the rebuild.
CREATE TABLE channels_new (
    name       TEXT PRIMARY KEY,
    kind       TEXT NOT NULL,
    base_url   TEXT NOT NULL,
    api_key    TEXT NOT NULL,
    priority   INTEGER NOT NULL,
    enabled    INTEGER NOT NULL DEFAULT 1,
    created_at INTEGER NOT NULL,
    settings   TEXT
);
INSERT INTO channels_new (name, kind, base_url, api_key, priority, enabled, created_at)
    SELECT name, kind, base_url, api_key, priority, enabled, created_at FROM channels;
DROP TABLE channels;
ALTER TABLE channels_new RENAME TO channels;
