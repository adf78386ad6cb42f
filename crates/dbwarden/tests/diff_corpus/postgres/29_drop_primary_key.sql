-- A primary key goes; the column keeps NOT NULL.
-- from
CREATE TABLE log_lines (id bigint PRIMARY KEY, line text);
-- to
CREATE TABLE log_lines (id bigint NOT NULL, line text);
-- data
INSERT INTO log_lines VALUES (1, 'boot'), (2, 'ready');
