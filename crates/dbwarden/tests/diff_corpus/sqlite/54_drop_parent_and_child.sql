-- Destructive: a parent table and the child referencing it go together.
-- from
CREATE TABLE kept (id INTEGER PRIMARY KEY);
CREATE TABLE parents (id INTEGER PRIMARY KEY, name TEXT);
CREATE TABLE children (id INTEGER PRIMARY KEY, parent_id INTEGER NOT NULL REFERENCES parents (id));
-- to
CREATE TABLE kept (id INTEGER PRIMARY KEY);
-- data
INSERT INTO kept VALUES (1);
INSERT INTO parents VALUES (1, 'p');
INSERT INTO children VALUES (1, 1), (2, 1);
