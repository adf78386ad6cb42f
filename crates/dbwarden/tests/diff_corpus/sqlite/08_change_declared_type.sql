-- A changed declared type rebuilds the table; values keep their text.
-- from
CREATE TABLE people (id INTEGER PRIMARY KEY, name VARCHAR(50) NOT NULL);
-- to
CREATE TABLE people (id INTEGER PRIMARY KEY, name VARCHAR(200) NOT NULL);
-- data
INSERT INTO people VALUES (1, 'Ann'), (2, 'Bartholomew');
