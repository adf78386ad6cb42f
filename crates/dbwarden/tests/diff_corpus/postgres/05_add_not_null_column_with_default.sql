-- A NOT NULL column with a default fills existing rows.
-- from
CREATE TABLE orders (id integer PRIMARY KEY, total numeric(10,2) NOT NULL);
-- to
CREATE TABLE orders (
    id integer PRIMARY KEY,
    total numeric(10,2) NOT NULL,
    currency char(3) NOT NULL DEFAULT 'EUR'
);
-- data
INSERT INTO orders VALUES (1, 9.99), (2, 120.00);
