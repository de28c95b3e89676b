-- One table for every throttle (failed logins per account and per address, order requests
-- per address), each row with its own window length.
ALTER TABLE login_throttle RENAME TO throttle;
ALTER TABLE throttle ADD COLUMN window_secs INTEGER NOT NULL DEFAULT 900;

-- Idempotency records kept nothing a copy of the database could use: the key is stored as a
-- SHA-256, the answer without the tracking secret, and the secret sealed with a pad only the
-- key's holder can make (see orders::seal). Records expire after 24 hours. Old rows held
-- secrets in plain text and are dropped.
DROP TABLE idempotency;
CREATE TABLE idempotency (
    key_sha256     TEXT PRIMARY KEY,
    body_sha256    TEXT NOT NULL,
    response       TEXT NOT NULL,
    sealed_secret  TEXT NOT NULL,
    created_at     INTEGER NOT NULL
);
CREATE INDEX idempotency_created ON idempotency (created_at);

-- Paged order lists: newest first by (created_at, id).
CREATE INDEX order_request_created ON order_request (created_at, id);
