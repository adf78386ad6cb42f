-- A column added between two others goes AFTER its predecessor.
-- from
CREATE TABLE orders (id INT NOT NULL PRIMARY KEY, total DECIMAL(10,2) NOT NULL);
-- to
CREATE TABLE orders (
    id INT NOT NULL PRIMARY KEY,
    currency CHAR(3) NOT NULL DEFAULT 'EUR',
    total DECIMAL(10,2) NOT NULL
);
-- data
INSERT INTO orders VALUES (1, 9.99), (2, 120.00);
