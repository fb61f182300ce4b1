-- The upstream channel that made each image, for the task JSON and per-channel usage (as SQLite's 0009).
ALTER TABLE task_images ADD COLUMN channel text;
