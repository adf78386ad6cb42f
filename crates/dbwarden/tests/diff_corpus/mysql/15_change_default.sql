-- Defaults change: a string literal and an expression default.
-- from
CREATE TABLE sessions (
    id INT NOT NULL PRIMARY KEY,
    kind VARCHAR(10) NOT NULL DEFAULT 'web',
    token CHAR(36) NOT NULL DEFAULT (uuid())
);
-- to
CREATE TABLE sessions (
    id INT NOT NULL PRIMARY KEY,
    kind VARCHAR(10) NOT NULL DEFAULT 'mobile',
    token CHAR(36) NOT NULL DEFAULT (concat('t-', uuid()))
);
-- data
INSERT INTO sessions (id, kind, token) VALUES (1, 'web', 'fixed-token');
