-- A table renamed with a hint keeps its rows and indexes.
-- rename: clients=customers
-- from
CREATE TABLE clients (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL
);
CREATE INDEX clients_name ON clients (name);
-- to
CREATE TABLE customers (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL
);
CREATE INDEX clients_name ON customers (name);
-- data
INSERT INTO clients VALUES (1, 'Ann'), (2, 'Bob'), (3, 'Cy');
