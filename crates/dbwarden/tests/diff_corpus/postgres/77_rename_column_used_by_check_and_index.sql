-- A renamed column is used by a check and an expression index (PostgreSQL rewrites both).
-- rename: people.surname=family_name
-- from
CREATE TABLE people (id integer PRIMARY KEY, surname text NOT NULL, CONSTRAINT people_surname_not_blank CHECK (surname <> ''));
CREATE INDEX people_surname_lower ON people (lower(surname));
-- to
CREATE TABLE people (id integer PRIMARY KEY, family_name text NOT NULL, CONSTRAINT people_surname_not_blank CHECK (family_name <> ''));
CREATE INDEX people_surname_lower ON people (lower(family_name));
-- data
INSERT INTO people VALUES (1, 'Curie'), (2, 'Noether');
