-- A two-column foreign key into a two-column primary key.
-- from
CREATE TABLE rooms (building TEXT NOT NULL, number INTEGER NOT NULL, PRIMARY KEY (building, number));
CREATE TABLE bookings (id INTEGER PRIMARY KEY, building TEXT NOT NULL, room_number INTEGER NOT NULL);
-- to
CREATE TABLE rooms (building TEXT NOT NULL, number INTEGER NOT NULL, PRIMARY KEY (building, number));
CREATE TABLE bookings (
    id INTEGER PRIMARY KEY,
    building TEXT NOT NULL,
    room_number INTEGER NOT NULL,
    FOREIGN KEY (building, room_number) REFERENCES rooms (building, number) ON DELETE RESTRICT
);
-- data
INSERT INTO rooms VALUES ('A', 101), ('B', 202);
INSERT INTO bookings VALUES (1, 'A', 101), (2, 'B', 202);
