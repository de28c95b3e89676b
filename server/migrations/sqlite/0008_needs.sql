-- Partner needs (the partnership meeting's other side) and the IKM's offers on them.

-- Where an IKM delivers to: kabupaten/kota slugs separated by commas; empty: all of Lampung.
ALTER TABLE ikm ADD COLUMN delivers_to TEXT NOT NULL DEFAULT '';

-- A need a partner posted; published only after Disperindag's review. Its private link's
-- secret is stored only as a SHA-256 hash, like an order's.
CREATE TABLE need (
    id              INTEGER PRIMARY KEY,
    code            TEXT NOT NULL UNIQUE,
    secret_sha256   TEXT NOT NULL,
    status          TEXT NOT NULL,
    company         TEXT NOT NULL,
    show_company    BOOLEAN NOT NULL,
    buyer_type      TEXT NOT NULL,
    npwp            TEXT NOT NULL,
    contact_person  TEXT NOT NULL,
    phone           TEXT NOT NULL,
    email           TEXT NOT NULL,
    address         TEXT NOT NULL,
    kabupaten       TEXT NOT NULL,
    title           TEXT NOT NULL,
    category        TEXT NOT NULL,
    description     TEXT NOT NULL,
    quantity        INTEGER NOT NULL CHECK (quantity >= 1),
    unit            TEXT NOT NULL,
    budget          INTEGER,
    budget_kind     TEXT NOT NULL,
    needed_by       TEXT NOT NULL,
    offer_days      INTEGER NOT NULL,
    offers_until    TEXT,
    decline_reason  TEXT,
    created_at      TEXT NOT NULL,
    published_at    TEXT,
    closed_at       TEXT
);
CREATE INDEX need_status ON need (status, id);

-- One offer per IKM per need, changed in place until the need decides.
CREATE TABLE need_offer (
    id              INTEGER PRIMARY KEY,
    need_id         INTEGER NOT NULL REFERENCES need (id),
    ikm_slug        TEXT NOT NULL REFERENCES ikm (slug),
    status          TEXT NOT NULL,
    unit_price      INTEGER NOT NULL CHECK (unit_price > 0),
    quantity        INTEGER NOT NULL CHECK (quantity >= 1),
    lead_time_days  INTEGER NOT NULL,
    total           INTEGER NOT NULL,
    note            TEXT NOT NULL,
    products        TEXT NOT NULL,
    order_code      TEXT,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    decided_at      TEXT,
    UNIQUE (need_id, ikm_slug)
);
CREATE INDEX need_offer_ikm ON need_offer (ikm_slug, id);

-- When each IKM last looked at its needs: what came after is new.
CREATE TABLE need_seen (
    ikm_slug  TEXT PRIMARY KEY NOT NULL,
    seen_at   TEXT NOT NULL
);
