-- Uploaded photos live in the database, not on one server's disk: every server behind one
-- database serves them. A name is never reused, so a stored photo never changes.
CREATE TABLE media (
    name          TEXT PRIMARY KEY NOT NULL,
    content_type  TEXT NOT NULL,
    bytes         BLOB NOT NULL,
    created_at    TEXT NOT NULL
);

-- A part's lines and history are read by part on every tracking and desk page.
CREATE INDEX order_line_part ON order_line (ikm_order_id, position);
CREATE INDEX order_event_part ON order_event (ikm_order_id, id);

-- Order lists walk parts newest request first, for one IKM (the desk) or all (the admin),
-- and stop at the page's end.
CREATE INDEX ikm_order_ikm_newest ON ikm_order (ikm_slug, request_id, id);
CREATE INDEX ikm_order_newest ON ikm_order (request_id, id);

-- How many parts each IKM has in each status, kept with every change: the desk's inbox and
-- the admin's list show the counts without counting every order.
CREATE TABLE part_count (
    ikm_slug  TEXT NOT NULL,
    status    TEXT NOT NULL,
    parts     INTEGER NOT NULL,
    PRIMARY KEY (ikm_slug, status)
);
INSERT INTO part_count (ikm_slug, status, parts)
    SELECT ikm_slug, status, COUNT(*) FROM ikm_order GROUP BY ikm_slug, status;
