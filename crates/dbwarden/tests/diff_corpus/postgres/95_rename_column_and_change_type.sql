-- A column is renamed and widened at once.
-- rename: measurements.val=reading
-- from
CREATE TABLE measurements (id integer PRIMARY KEY, val real NOT NULL);
-- to
CREATE TABLE measurements (id integer PRIMARY KEY, reading double precision NOT NULL DEFAULT 0);
-- data
INSERT INTO measurements VALUES (1, 1.5), (2, -3.25);
