-- A table renamed with a hint keeps its rows, keys and indexes.
-- rename: clients=customers
-- from
CREATE TABLE clients (
    id integer PRIMARY KEY,
    name text NOT NULL
);
CREATE INDEX clients_name ON clients (name);
-- to
CREATE TABLE customers (
    id integer PRIMARY KEY,
    name text NOT NULL
);
CREATE INDEX clients_name ON customers (name);
-- data
INSERT INTO clients VALUES (1, 'Ann'), (2, 'Bob'), (3, 'Cy');
