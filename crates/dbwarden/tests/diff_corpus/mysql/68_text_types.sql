-- TEXT grows to MEDIUMTEXT, a CHAR becomes a VARCHAR.
-- from
CREATE TABLE notes (id INT NOT NULL PRIMARY KEY, body TEXT NOT NULL, code CHAR(4) NOT NULL);
-- to
CREATE TABLE notes (id INT NOT NULL PRIMARY KEY, body MEDIUMTEXT NOT NULL, code VARCHAR(8) NOT NULL);
-- data
INSERT INTO notes VALUES (1, 'remember the milk', 'AB12'), (2, '', 'ZZ');
