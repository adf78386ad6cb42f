-- An index on an existing table is built in place without blocking writes.
-- from
CREATE TABLE events (id BIGINT NOT NULL PRIMARY KEY, kind VARCHAR(20) NOT NULL, at DATETIME NOT NULL);
-- to
CREATE TABLE events (
    id BIGINT NOT NULL PRIMARY KEY,
    kind VARCHAR(20) NOT NULL,
    at DATETIME NOT NULL,
    KEY events_kind_at (kind, at DESC)
);
-- data
INSERT INTO events VALUES (1, 'login', '2024-01-01 10:00:00'), (2, 'logout', '2024-01-01 11:00:00');
