-- A table and one of its columns are renamed together.
-- rename: usr=users
-- rename: users.nm=name
-- from
CREATE TABLE usr (id INTEGER PRIMARY KEY, nm TEXT NOT NULL);
-- to
CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
-- data
INSERT INTO usr VALUES (1, 'Ann'), (2, 'Bob');
