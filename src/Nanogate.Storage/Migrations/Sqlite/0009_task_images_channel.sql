-- The upstream channel that made each image, for the task JSON and per-channel usage.
ALTER TABLE task_images ADD COLUMN channel TEXT;
