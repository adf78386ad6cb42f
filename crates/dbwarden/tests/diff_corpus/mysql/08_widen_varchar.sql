-- Safe: a longer VARCHAR within the same length byte is an in-place change.
-- from
CREATE TABLE people (id INT NOT NULL PRIMARY KEY, name VARCHAR(20) NOT NULL);
-- to
CREATE TABLE people (id INT NOT NULL PRIMARY KEY, name VARCHAR(60) NOT NULL);
-- data
INSERT INTO people VALUES (1, 'Ann'), (2, 'Bartholomew');
