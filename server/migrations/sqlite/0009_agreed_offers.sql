-- A line made from an accepted offer carries a price agreed before the order: the IKM's
-- confirmation may lower it, never raise it.
ALTER TABLE order_line ADD COLUMN agreed BOOLEAN NOT NULL DEFAULT FALSE;

-- Each change to an offer counts up: the partner accepts the version it saw, and a change
-- made meanwhile refuses the acceptance instead of slipping into the order.
ALTER TABLE need_offer ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
