-- When a product joined the catalog (for "newest"), and whether it is curated for the home page.
ALTER TABLE product ADD COLUMN listed_on TEXT NOT NULL DEFAULT '2026-01-01';
ALTER TABLE product ADD COLUMN featured INTEGER NOT NULL DEFAULT 0;
