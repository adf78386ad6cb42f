-- A table moves to another schema (a rename hint across schemas), its sequence with it.
-- rename: public.archive=history.archive
-- from
CREATE SCHEMA history;
CREATE TABLE archive (id integer PRIMARY KEY, payload text);
-- to
CREATE SCHEMA history;
CREATE TABLE history.archive (id integer PRIMARY KEY, payload text);
-- data
INSERT INTO archive VALUES (1, 'old'), (2, 'older');
