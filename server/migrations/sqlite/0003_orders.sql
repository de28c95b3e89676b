-- Order requests from partners, split into one order per IKM, each with its own status and
-- history. The tracking secret is stored only as a SHA-256 hash.
CREATE TABLE order_request (
    id              INTEGER PRIMARY KEY,
    code            TEXT NOT NULL UNIQUE,
    secret_sha256   TEXT NOT NULL,
    company         TEXT NOT NULL,
    buyer_type      TEXT NOT NULL,
    npwp            TEXT NOT NULL,
    contact_person  TEXT NOT NULL,
    phone           TEXT NOT NULL,
    email           TEXT NOT NULL,
    address         TEXT NOT NULL,
    kabupaten       TEXT NOT NULL,
    needed_by       TEXT NOT NULL,
    purpose         TEXT NOT NULL,
    notes           TEXT NOT NULL,
    total           INTEGER NOT NULL,
    created_at      TEXT NOT NULL
);

CREATE TABLE ikm_order (
    id              INTEGER PRIMARY KEY,
    request_id      INTEGER NOT NULL REFERENCES order_request (id),
    ikm_slug        TEXT NOT NULL REFERENCES ikm (slug),
    status          TEXT NOT NULL,
    subtotal        INTEGER NOT NULL,
    lead_time_days  INTEGER,
    decline_reason  TEXT,
    courier         TEXT,
    receipt         TEXT,
    received_on     TEXT NOT NULL,
    UNIQUE (request_id, ikm_slug)
);
CREATE INDEX ikm_order_ikm ON ikm_order (ikm_slug, status);

CREATE TABLE order_line (
    id                    INTEGER PRIMARY KEY,
    ikm_order_id          INTEGER NOT NULL REFERENCES ikm_order (id),
    position              INTEGER NOT NULL,
    product_slug          TEXT NOT NULL,
    name                  TEXT NOT NULL,
    unit                  TEXT NOT NULL,
    quantity              INTEGER NOT NULL CHECK (quantity >= 1),
    unit_price            INTEGER NOT NULL CHECK (unit_price > 0),
    confirmed_unit_price  INTEGER,
    lead_time_days        INTEGER NOT NULL,
    note                  TEXT NOT NULL
);

CREATE TABLE order_event (
    id            INTEGER PRIMARY KEY,
    ikm_order_id  INTEGER NOT NULL REFERENCES ikm_order (id),
    at            TEXT NOT NULL,
    actor         TEXT NOT NULL,
    from_status   TEXT,
    to_status     TEXT NOT NULL,
    note          TEXT NOT NULL
);

-- A request's Idempotency-Key, stored with the response in the same transaction as the work.
CREATE TABLE idempotency (
    key           TEXT PRIMARY KEY,
    body_sha256   TEXT NOT NULL,
    status        INTEGER NOT NULL,
    response      TEXT NOT NULL,
    created_at    TEXT NOT NULL
);

CREATE TABLE sequence (
    name   TEXT PRIMARY KEY,
    value  INTEGER NOT NULL
);
