-- Per-key settings for users of the seed platforms (as SQLite's 0008): images_api ('tasks' or 'sync', null =
-- tasks) decides what POST /v1/images/generations answers; callback_format ('envelope' or 'task', null =
-- envelope) decides the webhook body.
ALTER TABLE api_keys ADD COLUMN images_api text;
ALTER TABLE api_keys ADD COLUMN callback_format text;
