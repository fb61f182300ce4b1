-- Per-key controls (issue 15): an expiry (unix ms), rate limits (requests and images per minute), spending caps
-- per UTC day and month in credits, and the time the key was last used (written at most once a minute per key).
ALTER TABLE api_keys ADD COLUMN expires_at INTEGER;
ALTER TABLE api_keys ADD COLUMN requests_per_minute INTEGER;
ALTER TABLE api_keys ADD COLUMN images_per_minute INTEGER;
ALTER TABLE api_keys ADD COLUMN daily_cap INTEGER;
ALTER TABLE api_keys ADD COLUMN monthly_cap INTEGER;
ALTER TABLE api_keys ADD COLUMN last_used_at INTEGER;
-- Usage lives on the reservation (every billed request, of every dialect, makes exactly one), so it outlives the
-- task rows that retention deletes: the key that made it, the images delivered, and the credits refunded (released
-- for work that was attempted and failed; a hold released for any other reason is not a refund).
ALTER TABLE reservations ADD COLUMN key_id TEXT;
ALTER TABLE reservations ADD COLUMN images INTEGER NOT NULL DEFAULT 0;
ALTER TABLE reservations ADD COLUMN refunded INTEGER NOT NULL DEFAULT 0;
-- A key's spend in the current day or month, summed under its cap at every reservation; and usage by time.
CREATE INDEX ix_reservations_key_created ON reservations(key_id, created_at) WHERE key_id IS NOT NULL;
CREATE INDEX ix_reservations_created ON reservations(created_at);
-- Retention: ended tasks by age.
CREATE INDEX ix_tasks_completed ON tasks(completed_at) WHERE completed_at IS NOT NULL;
