-- Safe: a nullable column is appended.
-- from
CREATE TABLE products (id integer PRIMARY KEY, title text NOT NULL);
-- to
CREATE TABLE products (id integer PRIMARY KEY, title text NOT NULL, subtitle varchar(120));
-- data
INSERT INTO products VALUES (1, 'Lamp'), (2, 'Desk');
