-- A two-column foreign key into a two-column primary key.
-- from
CREATE TABLE rooms (building CHAR(1) NOT NULL, number INT NOT NULL, PRIMARY KEY (building, number));
CREATE TABLE bookings (id INT NOT NULL PRIMARY KEY, building CHAR(1) NOT NULL, room_number INT NOT NULL);
-- to
CREATE TABLE rooms (building CHAR(1) NOT NULL, number INT NOT NULL, PRIMARY KEY (building, number));
CREATE TABLE bookings (
    id INT NOT NULL PRIMARY KEY,
    building CHAR(1) NOT NULL,
    room_number INT NOT NULL,
    CONSTRAINT bookings_room_fk FOREIGN KEY (building, room_number) REFERENCES rooms (building, number) ON DELETE RESTRICT
);
-- data
INSERT INTO rooms VALUES ('A', 101), ('B', 202);
INSERT INTO bookings VALUES (1, 'A', 101), (2, 'B', 202);
