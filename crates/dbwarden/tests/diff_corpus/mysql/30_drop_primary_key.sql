-- A primary key goes; the column keeps NOT NULL.
-- from
CREATE TABLE log_lines (id BIGINT NOT NULL PRIMARY KEY, line VARCHAR(200));
-- to
CREATE TABLE log_lines (id BIGINT NOT NULL, line VARCHAR(200));
-- data
INSERT INTO log_lines VALUES (1, 'boot'), (2, 'ready');
