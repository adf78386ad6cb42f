-- A text column becomes an enum (every value is a label).
-- from
CREATE TABLE cars (id integer PRIMARY KEY, fuel text NOT NULL DEFAULT 'petrol');
-- to
CREATE TYPE fuel_kind AS ENUM ('petrol', 'diesel', 'electric');
CREATE TABLE cars (id integer PRIMARY KEY, fuel fuel_kind NOT NULL DEFAULT 'petrol');
-- data
INSERT INTO cars VALUES (1, 'diesel'), (2, 'electric');
