-- A unique key widens to two columns.
-- from
CREATE TABLE seats (id INT NOT NULL PRIMARY KEY, room CHAR(1) NOT NULL, seat_no INT NOT NULL, UNIQUE KEY seats_unique (seat_no));
-- to
CREATE TABLE seats (id INT NOT NULL PRIMARY KEY, room CHAR(1) NOT NULL, seat_no INT NOT NULL, UNIQUE KEY seats_unique (room, seat_no));
-- data
INSERT INTO seats VALUES (1, 'A', 1), (2, 'B', 2);
