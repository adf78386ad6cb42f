-- Safe: a default for future rows only.
-- from
CREATE TABLE tickets (id integer PRIMARY KEY, priority smallint NOT NULL);
-- to
CREATE TABLE tickets (id integer PRIMARY KEY, priority smallint NOT NULL DEFAULT 3);
-- data
INSERT INTO tickets VALUES (1, 1), (2, 5);
