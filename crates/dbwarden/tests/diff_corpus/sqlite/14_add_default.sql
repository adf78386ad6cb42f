-- A default for future rows only.
-- from
CREATE TABLE tickets (id INTEGER PRIMARY KEY, priority INTEGER NOT NULL);
-- to
CREATE TABLE tickets (id INTEGER PRIMARY KEY, priority INTEGER NOT NULL DEFAULT 3);
-- data
INSERT INTO tickets VALUES (1, 1), (2, 5);
