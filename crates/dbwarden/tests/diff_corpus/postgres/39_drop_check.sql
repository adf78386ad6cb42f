-- A check goes.
-- from
CREATE TABLE ratings (id integer PRIMARY KEY, stars integer NOT NULL CONSTRAINT ratings_stars_range CHECK (stars BETWEEN 1 AND 5));
-- to
CREATE TABLE ratings (id integer PRIMARY KEY, stars integer NOT NULL);
-- data
INSERT INTO ratings VALUES (1, 5), (2, 3);
