-- An index on an existing table is built concurrently, outside a transaction.
-- from
CREATE TABLE events (id bigint PRIMARY KEY, kind text NOT NULL, at timestamptz NOT NULL);
-- to
CREATE TABLE events (id bigint PRIMARY KEY, kind text NOT NULL, at timestamptz NOT NULL);
CREATE INDEX events_kind_at ON events (kind, at DESC);
-- data
INSERT INTO events VALUES (1, 'login', '2024-01-01 10:00:00+00'), (2, 'logout', '2024-01-01 11:00:00+00');
