-- A string column becomes an integer (a table copy); digits only in the data.
-- from
CREATE TABLE invoices (id INT NOT NULL PRIMARY KEY, number VARCHAR(20) NOT NULL);
-- to
CREATE TABLE invoices (id INT NOT NULL PRIMARY KEY, number INT NOT NULL);
-- data
INSERT INTO invoices VALUES (1, '1001'), (2, '1002');
