-- Days off besides weekends (national holidays, cuti bersama): an IKM's 3 working days to
-- answer an order do not count them. Seeded from data/hari-libur.txt on first start; the
-- admin keeps the list from then on.
CREATE TABLE holiday (
    day   TEXT PRIMARY KEY,
    name  TEXT NOT NULL
);
