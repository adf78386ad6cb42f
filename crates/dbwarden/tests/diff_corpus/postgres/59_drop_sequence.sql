-- A sequence no default uses any more goes.
-- from
CREATE SEQUENCE legacy_ids;
CREATE TABLE things (id integer PRIMARY KEY DEFAULT nextval('legacy_ids'), name text);
-- to
CREATE TABLE things (id integer PRIMARY KEY, name text);
-- data
INSERT INTO things (name) VALUES ('a'), ('b');
