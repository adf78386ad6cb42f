-- A unique constraint widens to two columns (dropped and added under the same name).
-- from
CREATE TABLE seats (id integer PRIMARY KEY, room text NOT NULL, seat_no integer NOT NULL, CONSTRAINT seats_unique UNIQUE (seat_no));
-- to
CREATE TABLE seats (id integer PRIMARY KEY, room text NOT NULL, seat_no integer NOT NULL, CONSTRAINT seats_unique UNIQUE (room, seat_no));
-- data
INSERT INTO seats VALUES (1, 'A', 1), (2, 'B', 2);
