-- A table comment is set on one table and removed from another.
-- from
CREATE TABLE regions (id integer PRIMARY KEY, name text);
CREATE TABLE zones (id integer PRIMARY KEY);
COMMENT ON TABLE zones IS 'To be replaced by regions';
-- to
CREATE TABLE regions (id integer PRIMARY KEY, name text);
CREATE TABLE zones (id integer PRIMARY KEY);
COMMENT ON TABLE regions IS 'Sales regions';
-- data
INSERT INTO regions VALUES (1, 'North');
INSERT INTO zones VALUES (7);
