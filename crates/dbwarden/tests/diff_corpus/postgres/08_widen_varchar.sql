-- Safe: a longer varchar needs no rewrite.
-- from
CREATE TABLE people (id integer PRIMARY KEY, name varchar(50) NOT NULL);
-- to
CREATE TABLE people (id integer PRIMARY KEY, name varchar(200) NOT NULL);
-- data
INSERT INTO people VALUES (1, 'Ann'), (2, 'Bartholomew');
