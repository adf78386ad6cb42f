-- Dependency: a column that a generated column reads changes type.
-- from
CREATE TABLE parts (id integer PRIMARY KEY, grams integer NOT NULL, kilos numeric GENERATED ALWAYS AS (grams / 1000.0) STORED);
-- to
CREATE TABLE parts (id integer PRIMARY KEY, grams bigint NOT NULL, kilos numeric GENERATED ALWAYS AS (grams / 1000.0) STORED);
-- data
INSERT INTO parts (id, grams) VALUES (1, 1500), (2, 20);
