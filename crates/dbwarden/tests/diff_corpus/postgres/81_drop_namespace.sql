-- A schema and its table go.
-- from
CREATE SCHEMA staging;
CREATE TABLE staging.raw_rows (id integer PRIMARY KEY, payload jsonb);
CREATE TABLE kept (id integer PRIMARY KEY);
-- to
CREATE TABLE kept (id integer PRIMARY KEY);
-- data
INSERT INTO staging.raw_rows VALUES (1, '{"a": 1}');
INSERT INTO kept VALUES (1);
