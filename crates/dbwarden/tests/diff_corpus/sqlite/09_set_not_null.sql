-- Breaking: NOT NULL on a column whose rows have values (a rebuild).
-- from
CREATE TABLE accounts (id INTEGER PRIMARY KEY, owner TEXT);
-- to
CREATE TABLE accounts (id INTEGER PRIMARY KEY, owner TEXT NOT NULL);
-- data
INSERT INTO accounts VALUES (1, 'ann'), (2, 'bob');
