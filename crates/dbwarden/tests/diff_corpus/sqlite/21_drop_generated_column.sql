-- A generated column goes (its values are derived, so nothing is lost).
-- from
CREATE TABLE rectangles (
    id INTEGER PRIMARY KEY,
    width INTEGER NOT NULL,
    height INTEGER NOT NULL,
    area INTEGER GENERATED ALWAYS AS (width * height) VIRTUAL
);
-- to
CREATE TABLE rectangles (id INTEGER PRIMARY KEY, width INTEGER NOT NULL, height INTEGER NOT NULL);
-- data
INSERT INTO rectangles (id, width, height) VALUES (1, 2, 3), (2, 10, 10);
