-- Safe: a nullable column is added at the end (instantly).
-- from
CREATE TABLE products (id INT NOT NULL PRIMARY KEY, title VARCHAR(100) NOT NULL);
-- to
CREATE TABLE products (id INT NOT NULL PRIMARY KEY, title VARCHAR(100) NOT NULL, subtitle VARCHAR(120));
-- data
INSERT INTO products VALUES (1, 'Lamp'), (2, 'Desk');
