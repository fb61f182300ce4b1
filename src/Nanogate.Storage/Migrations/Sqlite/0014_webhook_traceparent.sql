-- The W3C traceparent of the submission a delivery belongs to: the dispatcher's span continues that trace.
ALTER TABLE webhook_deliveries ADD COLUMN traceparent TEXT;
