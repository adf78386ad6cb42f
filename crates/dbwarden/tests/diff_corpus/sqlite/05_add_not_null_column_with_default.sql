-- A NOT NULL column with a default fills existing rows.
-- from
CREATE TABLE orders (id INTEGER PRIMARY KEY, total NUMERIC NOT NULL);
-- to
CREATE TABLE orders (
    id INTEGER PRIMARY KEY,
    total NUMERIC NOT NULL,
    currency TEXT NOT NULL DEFAULT 'EUR'
);
-- data
INSERT INTO orders VALUES (1, 9.99), (2, 120);
