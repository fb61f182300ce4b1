-- The schema of the SQLite migrations 0001–0007 in one step: accounts, API keys (hashed), the credit
-- ledger, media, durable tasks with one row per image (the work queue), idempotency keys, the webhook
-- outbox and stored channels. Money and unix-ms times are bigint, ids are text.
CREATE TABLE settings (
    key   text PRIMARY KEY,
    value text NOT NULL
);

CREATE TABLE accounts (
    id                text PRIMARY KEY,
    name              text NOT NULL,
    created_at        bigint NOT NULL,
    -- Projection of the ledger (topups - reserves + releases), kept in step in the same
    -- transaction as every ledger entry so a reservation is one conditional UPDATE.
    credits_available bigint NOT NULL DEFAULT 0 CHECK (credits_available >= 0),
    webhook_secret    text NOT NULL
);

CREATE TABLE api_keys (
    id             text PRIMARY KEY,
    account_id     text NOT NULL REFERENCES accounts(id),
    key_hash       text NOT NULL UNIQUE,
    prefix         text NOT NULL,
    name           text,
    image_delivery text,
    created_at     bigint NOT NULL,
    revoked_at     bigint
);
CREATE INDEX ix_api_keys_account ON api_keys(account_id);

CREATE TABLE reservations (
    id          text PRIMARY KEY,
    account_id  text NOT NULL REFERENCES accounts(id),
    amount      bigint NOT NULL CHECK (amount > 0),
    captured    bigint NOT NULL DEFAULT 0 CHECK (captured >= 0),
    released    bigint NOT NULL DEFAULT 0 CHECK (released >= 0),
    purpose     text NOT NULL,
    model       text,
    created_at  bigint NOT NULL,
    settled_at  bigint,
    CHECK (captured + released <= amount)
);
CREATE INDEX ix_reservations_open ON reservations(account_id) WHERE settled_at IS NULL;

CREATE TABLE ledger_entries (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id     text NOT NULL REFERENCES accounts(id),
    kind           text NOT NULL CHECK (kind IN ('topup', 'reserve', 'capture', 'release')),
    amount         bigint NOT NULL CHECK (amount >= 0),
    reservation_id text REFERENCES reservations(id),
    model          text,
    note           text,
    created_at     bigint NOT NULL
);
CREATE INDEX ix_ledger_account ON ledger_entries(account_id, kind);

-- Image bytes live in the media store, and the ETag is the id (ids are random, a file never changes).
CREATE TABLE media (
    id          text PRIMARY KEY,
    account_id  text NOT NULL REFERENCES accounts(id),
    mime_type   text NOT NULL,
    bytes       bigint NOT NULL,
    width       bigint NOT NULL,
    height      bigint NOT NULL,
    created_at  bigint NOT NULL,
    expires_at  bigint NOT NULL,
    purged_at   bigint
);
CREATE INDEX ix_media_expiry ON media(expires_at) WHERE purged_at IS NULL;

CREATE TABLE tasks (
    id                text PRIMARY KEY,
    -- Insertion order for listings (the rowid of SQLite): two tasks can share a millisecond.
    seq               bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    account_id        text NOT NULL REFERENCES accounts(id),
    model             text NOT NULL,
    request           text NOT NULL,
    request_id        text NOT NULL,
    base_url          text NOT NULL,
    status            text NOT NULL CHECK (status IN ('pending', 'running', 'succeeded', 'partially_succeeded', 'failed', 'canceled')),
    n                 bigint NOT NULL CHECK (n BETWEEN 1 AND 4),
    price             bigint NOT NULL,
    reservation_id    text NOT NULL REFERENCES reservations(id),
    credits_reserved  bigint NOT NULL,
    credits_charged   bigint NOT NULL DEFAULT 0,
    credits_refunded  bigint NOT NULL DEFAULT 0,
    callback_url      text,
    webhook_url       text,
    error_code        text,
    error_message     text,
    created_at        bigint NOT NULL,
    started_at        bigint,
    canceled_at       bigint,
    completed_at      bigint
);
CREATE INDEX ix_tasks_account_seq ON tasks(account_id, seq DESC);
-- The task list of the operator (newest first, all accounts).
CREATE INDEX ix_tasks_created ON tasks(created_at DESC, id DESC);

CREATE TABLE task_images (
    task_id         text NOT NULL REFERENCES tasks(id),
    idx             bigint NOT NULL,
    status          text NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'canceled')),
    attempt         bigint NOT NULL DEFAULT 0,
    lease_until     bigint,
    next_attempt_at bigint NOT NULL,
    media_id        text REFERENCES media(id),
    mime_type       text,
    width           bigint,
    height          bigint,
    text            text,
    input_tokens    bigint NOT NULL DEFAULT 0,
    output_tokens   bigint NOT NULL DEFAULT 0,
    image_tokens    bigint NOT NULL DEFAULT 0,
    charged         bigint NOT NULL DEFAULT 0,
    error_code      text,
    error_message   text,
    started_at      bigint,
    completed_at    bigint,
    PRIMARY KEY (task_id, idx)
);
-- The queue: partial indexes hold only the open rows, so a claim scans what is due and nothing else.
CREATE INDEX ix_task_images_queued ON task_images(next_attempt_at) WHERE status = 'queued';
CREATE INDEX ix_task_images_running ON task_images(lease_until) WHERE status = 'running';

CREATE TABLE idempotency_keys (
    account_id        text NOT NULL REFERENCES accounts(id),
    key               text NOT NULL,
    request_hash      text NOT NULL,
    status            text NOT NULL CHECK (status IN ('in_flight', 'done')),
    response_status   bigint,
    response_body     text,
    response_location text,
    created_at        bigint NOT NULL,
    PRIMARY KEY (account_id, key)
);
CREATE INDEX ix_idempotency_created ON idempotency_keys(created_at);

CREATE TABLE webhook_deliveries (
    id              text PRIMARY KEY,
    account_id      text NOT NULL REFERENCES accounts(id),
    task_id         text NOT NULL,
    url             text NOT NULL,
    payload         text NOT NULL,
    status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed', 'gone')),
    attempts        bigint NOT NULL DEFAULT 0,
    next_attempt_at bigint NOT NULL,
    expires_at      bigint NOT NULL,
    last_status     bigint,
    last_error      text,
    created_at      bigint NOT NULL,
    delivered_at    bigint
);
CREATE INDEX ix_webhook_deliveries_due ON webhook_deliveries(next_attempt_at) WHERE status = 'pending';
CREATE INDEX ix_webhook_deliveries_task ON webhook_deliveries(task_id);

-- Kinds belong to the upstream layer, so no CHECK on kind, and kind-specific and routing settings are one JSON text.
CREATE TABLE channels (
    name       text PRIMARY KEY,
    kind       text NOT NULL,
    base_url   text NOT NULL,
    api_key    text NOT NULL,
    priority   bigint NOT NULL,
    enabled    boolean NOT NULL DEFAULT true,
    created_at bigint NOT NULL,
    settings   text
);
