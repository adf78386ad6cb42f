-- A table is renamed and rebuilt (for a new check) in one migration; a view follows it.
-- rename: usr=users
-- from
CREATE TABLE usr (id INTEGER PRIMARY KEY, age INTEGER);
CREATE VIEW adults AS SELECT id FROM usr WHERE age >= 18;
-- to
CREATE TABLE users (id INTEGER PRIMARY KEY, age INTEGER CHECK (age >= 0));
CREATE VIEW adults AS SELECT id FROM users WHERE age >= 18;
-- data
INSERT INTO usr VALUES (1, 30), (2, 12);
