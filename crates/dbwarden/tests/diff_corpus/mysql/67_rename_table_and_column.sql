-- A table and one of its columns are renamed together.
-- rename: usr=users
-- rename: users.nm=name
-- from
CREATE TABLE usr (id INT NOT NULL PRIMARY KEY, nm VARCHAR(40) NOT NULL);
-- to
CREATE TABLE users (id INT NOT NULL PRIMARY KEY, name VARCHAR(40) NOT NULL);
-- data
INSERT INTO usr VALUES (1, 'Ann'), (2, 'Bob');
