-- A column is renamed and widened at once.
-- rename: measurements.val=reading
-- from
CREATE TABLE measurements (id INT NOT NULL PRIMARY KEY, val FLOAT NOT NULL);
-- to
CREATE TABLE measurements (id INT NOT NULL PRIMARY KEY, reading DOUBLE NOT NULL DEFAULT 0);
-- data
INSERT INTO measurements VALUES (1, 1.5), (2, -3.25);
