-- A table renamed with a hint keeps its rows, keys and indexes.
-- rename: clients=customers
-- from
CREATE TABLE clients (
    id INT NOT NULL PRIMARY KEY,
    name VARCHAR(80) NOT NULL,
    KEY clients_name (name)
);
-- to
CREATE TABLE customers (
    id INT NOT NULL PRIMARY KEY,
    name VARCHAR(80) NOT NULL,
    KEY clients_name (name)
);
-- data
INSERT INTO clients VALUES (1, 'Ann'), (2, 'Bob'), (3, 'Cy');
