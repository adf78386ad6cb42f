-- A generated column goes (its values are derived, so nothing is lost).
-- from
CREATE TABLE rectangles (
    id INT NOT NULL PRIMARY KEY,
    width INT NOT NULL,
    height INT NOT NULL,
    area INT AS (width * height) VIRTUAL
);
-- to
CREATE TABLE rectangles (id INT NOT NULL PRIMARY KEY, width INT NOT NULL, height INT NOT NULL);
-- data
INSERT INTO rectangles (id, width, height) VALUES (1, 2, 3), (2, 10, 10);
