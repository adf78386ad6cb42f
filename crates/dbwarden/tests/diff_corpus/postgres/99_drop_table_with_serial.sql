-- Destructive: a table with a serial column goes; its sequence goes with it.
-- from
CREATE TABLE kept (id integer PRIMARY KEY);
CREATE TABLE scratch (id serial PRIMARY KEY, note text);
-- to
CREATE TABLE kept (id integer PRIMARY KEY);
-- data
INSERT INTO kept VALUES (1);
INSERT INTO scratch (note) VALUES ('x');
