-- A table and one of its columns are renamed together.
-- rename: usr=users
-- rename: users.nm=name
-- from
CREATE TABLE usr (id integer PRIMARY KEY, nm text NOT NULL);
-- to
CREATE TABLE users (id integer PRIMARY KEY, name text NOT NULL);
-- data
INSERT INTO usr VALUES (1, 'Ann'), (2, 'Bob');
