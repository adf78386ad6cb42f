-- Destructive: a column and the index on it go.
-- from
CREATE TABLE users (id integer PRIMARY KEY, email text NOT NULL, legacy_code varchar(10));
CREATE INDEX users_legacy_code ON users (legacy_code);
-- to
CREATE TABLE users (id integer PRIMARY KEY, email text NOT NULL);
-- data
INSERT INTO users VALUES (1, 'a@example.com', 'X1'), (2, 'b@example.com', NULL);
