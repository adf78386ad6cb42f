-- A two-column foreign key into a two-column unique constraint.
-- from
CREATE TABLE rooms (building text NOT NULL, number integer NOT NULL, CONSTRAINT rooms_pkey PRIMARY KEY (building, number));
CREATE TABLE bookings (id integer PRIMARY KEY, building text NOT NULL, room_number integer NOT NULL);
-- to
CREATE TABLE rooms (building text NOT NULL, number integer NOT NULL, CONSTRAINT rooms_pkey PRIMARY KEY (building, number));
CREATE TABLE bookings (
    id integer PRIMARY KEY,
    building text NOT NULL,
    room_number integer NOT NULL,
    CONSTRAINT bookings_room_fk FOREIGN KEY (building, room_number) REFERENCES rooms (building, number) ON DELETE RESTRICT
);
-- data
INSERT INTO rooms VALUES ('A', 101), ('B', 202);
INSERT INTO bookings VALUES (1, 'A', 101), (2, 'B', 202);
