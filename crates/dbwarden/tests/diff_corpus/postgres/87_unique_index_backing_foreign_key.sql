-- Dependency: a foreign key relies on a unique index that is replaced by a unique constraint.
-- from
CREATE TABLE countries (id integer PRIMARY KEY, iso text NOT NULL);
CREATE UNIQUE INDEX countries_iso ON countries (iso);
CREATE TABLE cities (id integer PRIMARY KEY, country_iso text NOT NULL CONSTRAINT cities_country_fk REFERENCES countries (iso));
-- to
CREATE TABLE countries (id integer PRIMARY KEY, iso text NOT NULL, CONSTRAINT countries_iso_key UNIQUE (iso));
CREATE TABLE cities (id integer PRIMARY KEY, country_iso text NOT NULL CONSTRAINT cities_country_fk REFERENCES countries (iso));
-- data
INSERT INTO countries VALUES (1, 'FR'), (2, 'PT');
INSERT INTO cities VALUES (1, 'FR'), (2, 'PT');
