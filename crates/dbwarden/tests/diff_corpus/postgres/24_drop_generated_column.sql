-- A generated column goes (its values are derived, so nothing is lost).
-- from
CREATE TABLE rectangles (
    id integer PRIMARY KEY,
    width integer NOT NULL,
    height integer NOT NULL,
    area integer GENERATED ALWAYS AS (width * height) STORED
);
-- to
CREATE TABLE rectangles (id integer PRIMARY KEY, width integer NOT NULL, height integer NOT NULL);
-- data
INSERT INTO rectangles (id, width, height) VALUES (1, 2, 3), (2, 10, 10);
