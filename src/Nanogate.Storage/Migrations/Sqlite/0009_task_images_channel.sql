-- The upstream channel that made each task image, and that served each synchronous request, for the task JSON
-- and per-channel usage.
ALTER TABLE task_images ADD COLUMN channel TEXT;
ALTER TABLE reservations ADD COLUMN channel TEXT;
