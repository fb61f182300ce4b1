-- Per-key controls and usage on reservations (as SQLite's 0012).
ALTER TABLE api_keys ADD COLUMN expires_at bigint;
ALTER TABLE api_keys ADD COLUMN requests_per_minute bigint;
ALTER TABLE api_keys ADD COLUMN images_per_minute bigint;
ALTER TABLE api_keys ADD COLUMN daily_cap bigint;
ALTER TABLE api_keys ADD COLUMN monthly_cap bigint;
ALTER TABLE api_keys ADD COLUMN last_used_at bigint;
ALTER TABLE reservations ADD COLUMN key_id text;
ALTER TABLE reservations ADD COLUMN images bigint NOT NULL DEFAULT 0;
ALTER TABLE reservations ADD COLUMN refunded bigint NOT NULL DEFAULT 0;
CREATE INDEX ix_reservations_key_created ON reservations(key_id, created_at) WHERE key_id IS NOT NULL;
CREATE INDEX ix_reservations_created ON reservations(created_at);
CREATE INDEX ix_tasks_completed ON tasks(completed_at) WHERE completed_at IS NOT NULL;
