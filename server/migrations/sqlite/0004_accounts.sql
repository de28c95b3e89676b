-- Accounts for the IKM desk and the Disperindag admin, server-side sessions, login throttling,
-- and the audit log of changes made through them.
CREATE TABLE account (
    id             INTEGER PRIMARY KEY,
    username       TEXT NOT NULL UNIQUE,
    role           TEXT NOT NULL CHECK (role IN ('ikm', 'admin')),
    ikm_slug       TEXT REFERENCES ikm (slug),
    password_hash  TEXT NOT NULL,
    disabled       INTEGER NOT NULL DEFAULT 0,
    created_at     TEXT NOT NULL,
    CHECK ((role = 'ikm') = (ikm_slug IS NOT NULL))
);

-- Only a SHA-256 of the session id is stored: a copy of this table opens no session.
CREATE TABLE session (
    id_sha256    TEXT PRIMARY KEY,
    account_id   INTEGER NOT NULL REFERENCES account (id),
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL
);
CREATE INDEX session_account ON session (account_id);

-- Failed logins per key ('account:<name>' or 'client:<address>') in a fixed window.
CREATE TABLE login_throttle (
    key           TEXT PRIMARY KEY,
    failures      INTEGER NOT NULL,
    window_start  INTEGER NOT NULL
);

CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    account_id  INTEGER REFERENCES account (id),
    username    TEXT NOT NULL,
    action      TEXT NOT NULL,
    object      TEXT NOT NULL,
    from_value  TEXT NOT NULL DEFAULT '',
    to_value    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_at ON audit_log (at);

-- Disperindag's check of an IKM, shown on the storefront.
ALTER TABLE ikm ADD COLUMN verified INTEGER NOT NULL DEFAULT 0;

-- An IKM retires a product it no longer makes: gone from the storefront, kept for old orders.
ALTER TABLE product ADD COLUMN retired INTEGER NOT NULL DEFAULT 0;
