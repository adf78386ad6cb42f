-- A check's expression changes.
-- from
CREATE TABLE discounts (id INTEGER PRIMARY KEY, percent INTEGER NOT NULL, CONSTRAINT discounts_percent CHECK (percent < 50));
-- to
CREATE TABLE discounts (id INTEGER PRIMARY KEY, percent INTEGER NOT NULL, CONSTRAINT discounts_percent CHECK (percent >= 0 AND percent <= 90));
-- data
INSERT INTO discounts VALUES (1, 10), (2, 45);
