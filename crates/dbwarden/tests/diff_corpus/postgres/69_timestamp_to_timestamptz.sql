-- timestamp becomes timestamptz: a rewrite, values read in the session time zone.
-- from
CREATE TABLE bookings (id integer PRIMARY KEY, starts_at timestamp NOT NULL, ends_at timestamp);
-- to
CREATE TABLE bookings (id integer PRIMARY KEY, starts_at timestamptz NOT NULL, ends_at timestamptz);
-- data
INSERT INTO bookings VALUES (1, '2024-07-01 09:00:00', '2024-07-01 10:00:00'), (2, '2024-07-02 14:30:00', NULL);
