-- A view comment is added.
-- from
CREATE TABLE cities (id integer PRIMARY KEY, name text NOT NULL, population integer);
CREATE VIEW big_cities AS SELECT id, name FROM cities WHERE population > 1000000;
-- to
CREATE TABLE cities (id integer PRIMARY KEY, name text NOT NULL, population integer);
CREATE VIEW big_cities AS SELECT id, name FROM cities WHERE population > 1000000;
COMMENT ON VIEW big_cities IS 'Cities over a million people';
-- data
INSERT INTO cities VALUES (1, 'Paris', 2100000);
