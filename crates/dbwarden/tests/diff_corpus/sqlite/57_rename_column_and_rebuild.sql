-- A column is renamed and the same table rebuilt for a new check: the copy follows the rename.
-- rename: people.surname=family_name
-- from
CREATE TABLE people (id INTEGER PRIMARY KEY, surname TEXT NOT NULL, born INTEGER);
CREATE INDEX people_surname ON people (surname);
-- to
CREATE TABLE people (id INTEGER PRIMARY KEY, family_name TEXT NOT NULL, born INTEGER, CHECK (born > 1800));
CREATE INDEX people_surname ON people (family_name);
-- data
INSERT INTO people VALUES (1, 'Curie', 1867), (2, 'Noether', 1882);
