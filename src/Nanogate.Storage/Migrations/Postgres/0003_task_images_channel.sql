-- The upstream channel that made each task image, and that served each synchronous request, for the task JSON
-- and per-channel usage (as SQLite's 0009).
ALTER TABLE task_images ADD COLUMN channel text;
ALTER TABLE reservations ADD COLUMN channel text;
