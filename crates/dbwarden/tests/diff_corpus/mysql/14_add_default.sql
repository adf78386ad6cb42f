-- Safe: a literal default, set instantly.
-- from
CREATE TABLE tickets (id INT NOT NULL PRIMARY KEY, priority SMALLINT NOT NULL);
-- to
CREATE TABLE tickets (id INT NOT NULL PRIMARY KEY, priority SMALLINT NOT NULL DEFAULT 3);
-- data
INSERT INTO tickets VALUES (1, 1), (2, 5);
