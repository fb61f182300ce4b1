-- The W3C traceparent of the submission a delivery belongs to (as SQLite's 0012).
ALTER TABLE webhook_deliveries ADD COLUMN traceparent text;
