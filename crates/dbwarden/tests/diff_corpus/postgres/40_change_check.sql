-- A check's expression changes (dropped and added under the same name).
-- from
CREATE TABLE discounts (id integer PRIMARY KEY, percent integer NOT NULL, CONSTRAINT discounts_percent CHECK (percent < 50));
-- to
CREATE TABLE discounts (id integer PRIMARY KEY, percent integer NOT NULL, CONSTRAINT discounts_percent CHECK (percent >= 0 AND percent <= 90));
-- data
INSERT INTO discounts VALUES (1, 10), (2, 45);
