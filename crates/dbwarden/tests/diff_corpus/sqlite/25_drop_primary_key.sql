-- A primary key goes; the column keeps NOT NULL.
-- from
CREATE TABLE log_lines (id INTEGER NOT NULL PRIMARY KEY, line TEXT);
-- to
CREATE TABLE log_lines (id INTEGER NOT NULL, line TEXT);
-- data
INSERT INTO log_lines VALUES (1, 'boot'), (2, 'ready');
