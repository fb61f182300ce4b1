-- Per-key settings for users of the seed platforms: images_api ('tasks' or 'sync', null = tasks) decides
-- what POST /v1/images/generations answers; callback_format ('envelope' or 'task', null = envelope)
-- decides the webhook body. Both null on existing keys, which keeps their behaviour.
ALTER TABLE api_keys ADD COLUMN images_api TEXT;
ALTER TABLE api_keys ADD COLUMN callback_format TEXT;
