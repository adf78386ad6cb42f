-- A unique constraint on an existing table: its index is built concurrently, then attached.
-- from
CREATE TABLE vendors (id integer PRIMARY KEY, vat_number text NOT NULL);
-- to
CREATE TABLE vendors (id integer PRIMARY KEY, vat_number text NOT NULL, CONSTRAINT vendors_vat_key UNIQUE (vat_number));
-- data
INSERT INTO vendors VALUES (1, 'FR123'), (2, 'PT456');
