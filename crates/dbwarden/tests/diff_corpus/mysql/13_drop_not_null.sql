-- Safe: a column may hold NULL from now on.
-- from
CREATE TABLE contacts (id INT NOT NULL PRIMARY KEY, phone VARCHAR(30) NOT NULL);
-- to
CREATE TABLE contacts (id INT NOT NULL PRIMARY KEY, phone VARCHAR(30));
-- data
INSERT INTO contacts VALUES (1, '+33 1 23 45 67 89'), (2, '555-0100');
