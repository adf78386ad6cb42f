-- A renamed column is read by a view (MySQL does not rewrite views).
-- rename: customers.mail=email
-- from
CREATE TABLE customers (id INT NOT NULL PRIMARY KEY, mail VARCHAR(100) NOT NULL);
CREATE VIEW customer_mails AS SELECT id, mail FROM customers;
-- to
CREATE TABLE customers (id INT NOT NULL PRIMARY KEY, email VARCHAR(100) NOT NULL);
CREATE VIEW customer_mails AS SELECT id, email AS mail FROM customers;
-- data
INSERT INTO customers VALUES (1, 'a@example.com');
