-- A unique key on an existing table.
-- from
CREATE TABLE vendors (id INT NOT NULL PRIMARY KEY, vat_number VARCHAR(20) NOT NULL);
-- to
CREATE TABLE vendors (id INT NOT NULL PRIMARY KEY, vat_number VARCHAR(20) NOT NULL, UNIQUE KEY vendors_vat_key (vat_number));
-- data
INSERT INTO vendors VALUES (1, 'FR123'), (2, 'PT456');
