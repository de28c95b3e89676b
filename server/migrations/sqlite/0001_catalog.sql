-- The catalog: IKM and their products. Tiers and images are small ordered lists kept as JSON.
CREATE TABLE ikm (
    slug          TEXT PRIMARY KEY NOT NULL,
    position      INTEGER NOT NULL,
    name          TEXT NOT NULL,
    kabupaten     TEXT NOT NULL,
    story         TEXT NOT NULL,
    whatsapp      TEXT NOT NULL,
    nib           TEXT,
    pirt          TEXT,
    bpom_md       TEXT,
    halal         TEXT,
    sni           TEXT,
    legal_sample  INTEGER NOT NULL DEFAULT 0,
    pkp           INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE product (
    slug             TEXT PRIMARY KEY NOT NULL,
    position         INTEGER NOT NULL,
    ikm_slug         TEXT NOT NULL REFERENCES ikm (slug),
    name             TEXT NOT NULL,
    category         TEXT NOT NULL,
    description      TEXT NOT NULL,
    unit             TEXT NOT NULL,
    price            INTEGER NOT NULL CHECK (price > 0),
    min_order        INTEGER NOT NULL CHECK (min_order >= 1),
    order_increment  INTEGER NOT NULL CHECK (order_increment >= 1),
    tiers            TEXT NOT NULL DEFAULT '[]',
    lead_time_days   INTEGER NOT NULL CHECK (lead_time_days >= 0),
    availability     TEXT NOT NULL,
    images           TEXT NOT NULL DEFAULT '[]'
);

CREATE INDEX product_ikm ON product (ikm_slug);
