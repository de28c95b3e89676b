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
