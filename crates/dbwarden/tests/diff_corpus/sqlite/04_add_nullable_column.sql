-- Safe: a nullable column is appended with ALTER TABLE.
-- from
CREATE TABLE products (id INTEGER PRIMARY KEY, title TEXT NOT NULL);
-- to
CREATE TABLE products (id INTEGER PRIMARY KEY, title TEXT NOT NULL, subtitle VARCHAR(120));
-- data
INSERT INTO products VALUES (1, 'Lamp'), (2, 'Desk');
