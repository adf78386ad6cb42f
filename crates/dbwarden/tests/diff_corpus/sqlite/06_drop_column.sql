-- Destructive: a column and the index on it go (the index first, then DROP COLUMN).
-- from
CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL, legacy_code TEXT);
CREATE INDEX users_legacy_code ON users (legacy_code);
-- to
CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL);
-- data
INSERT INTO users VALUES (1, 'a@example.com', 'X1'), (2, 'b@example.com', NULL);
