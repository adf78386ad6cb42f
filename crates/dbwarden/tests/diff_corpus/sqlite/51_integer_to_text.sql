-- A column's declared type changes affinity (INTEGER to TEXT): the values are copied as text.
-- from
CREATE TABLE invoices (id INTEGER PRIMARY KEY, number INTEGER NOT NULL);
-- to
CREATE TABLE invoices (id INTEGER PRIMARY KEY, number TEXT NOT NULL);
-- data
INSERT INTO invoices VALUES (1, 1001), (2, 1002);
