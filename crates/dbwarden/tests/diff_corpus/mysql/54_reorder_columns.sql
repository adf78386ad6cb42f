-- Columns change places.
-- from
CREATE TABLE contacts (id INT NOT NULL PRIMARY KEY, email VARCHAR(100), name VARCHAR(60) NOT NULL, phone VARCHAR(20));
-- to
CREATE TABLE contacts (id INT NOT NULL PRIMARY KEY, name VARCHAR(60) NOT NULL, phone VARCHAR(20), email VARCHAR(100));
-- data
INSERT INTO contacts VALUES (1, 'ann@example.com', 'Ann', NULL), (2, NULL, 'Bob', '555');
