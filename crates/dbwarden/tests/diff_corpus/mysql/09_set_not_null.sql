-- Breaking: NOT NULL on a column whose rows have values.
-- from
CREATE TABLE accounts (id INT NOT NULL PRIMARY KEY, owner VARCHAR(40));
-- to
CREATE TABLE accounts (id INT NOT NULL PRIMARY KEY, owner VARCHAR(40) NOT NULL);
-- data
INSERT INTO accounts VALUES (1, 'ann'), (2, 'bob');
