-- A column is renamed and its declared type changes at once (a rebuild following the rename).
-- rename: measurements.val=reading
-- from
CREATE TABLE measurements (id INTEGER PRIMARY KEY, val REAL NOT NULL);
-- to
CREATE TABLE measurements (id INTEGER PRIMARY KEY, reading DOUBLE NOT NULL DEFAULT 0);
-- data
INSERT INTO measurements VALUES (1, 1.5), (2, -3.25);
