-- A type change that needs a USING cast (rewrites the table); digits only in the data.
-- from
CREATE TABLE invoices (id integer PRIMARY KEY, number text NOT NULL);
-- to
CREATE TABLE invoices (id integer PRIMARY KEY, number integer NOT NULL);
-- data
INSERT INTO invoices VALUES (1, '1001'), (2, '1002');
