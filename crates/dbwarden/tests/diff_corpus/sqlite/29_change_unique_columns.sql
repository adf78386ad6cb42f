-- A unique constraint widens to two columns.
-- from
CREATE TABLE seats (id INTEGER PRIMARY KEY, room TEXT NOT NULL, seat_no INTEGER NOT NULL, UNIQUE (seat_no));
-- to
CREATE TABLE seats (id INTEGER PRIMARY KEY, room TEXT NOT NULL, seat_no INTEGER NOT NULL, UNIQUE (room, seat_no));
-- data
INSERT INTO seats VALUES (1, 'A', 1), (2, 'B', 2);
