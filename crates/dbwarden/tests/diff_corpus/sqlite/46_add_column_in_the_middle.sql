-- A column added between two others (a rebuild; ALTER TABLE only appends).
-- from
CREATE TABLE orders (id INTEGER PRIMARY KEY, total REAL NOT NULL);
-- to
CREATE TABLE orders (id INTEGER PRIMARY KEY, currency TEXT NOT NULL DEFAULT 'EUR', total REAL NOT NULL);
-- data
INSERT INTO orders VALUES (1, 9.99), (2, 120);
