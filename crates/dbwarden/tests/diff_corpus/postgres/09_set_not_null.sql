-- Breaking: NOT NULL on a column whose rows have values (through a validated check).
-- from
CREATE TABLE accounts (id integer PRIMARY KEY, owner text);
-- to
CREATE TABLE accounts (id integer PRIMARY KEY, owner text NOT NULL);
-- data
INSERT INTO accounts VALUES (1, 'ann'), (2, 'bob');
