-- A cache table becomes unlogged, a log table becomes logged again, and a new unlogged table
-- comes in (SET UNLOGGED/LOGGED rewrite the table).
-- from
CREATE TABLE cache (k text PRIMARY KEY, v text);
CREATE UNLOGGED TABLE events (id integer PRIMARY KEY, kind text);
-- to
CREATE UNLOGGED TABLE cache (k text PRIMARY KEY, v text);
CREATE TABLE events (id integer PRIMARY KEY, kind text);
CREATE UNLOGGED TABLE sessions (id integer PRIMARY KEY);
-- data
INSERT INTO cache VALUES ('a', '1');
INSERT INTO events VALUES (1, 'login');
