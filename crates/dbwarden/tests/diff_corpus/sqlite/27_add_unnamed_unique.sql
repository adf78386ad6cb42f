-- An unnamed unique constraint is added (a rebuild).
-- from
CREATE TABLE vendors (id INTEGER PRIMARY KEY, vat_number TEXT NOT NULL);
-- to
CREATE TABLE vendors (id INTEGER PRIMARY KEY, vat_number TEXT NOT NULL UNIQUE);
-- data
INSERT INTO vendors VALUES (1, 'FR123'), (2, 'PT456');
