-- Destructive: a column and the index on it go.
-- from
CREATE TABLE users (
    id INT NOT NULL PRIMARY KEY,
    email VARCHAR(100) NOT NULL,
    legacy_code VARCHAR(10),
    KEY users_legacy_code (legacy_code)
);
-- to
CREATE TABLE users (id INT NOT NULL PRIMARY KEY, email VARCHAR(100) NOT NULL);
-- data
INSERT INTO users VALUES (1, 'a@example.com', 'X1'), (2, 'b@example.com', NULL);
