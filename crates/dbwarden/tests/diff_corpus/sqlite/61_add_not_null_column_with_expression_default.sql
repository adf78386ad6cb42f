-- A NOT NULL column with a constant default is appended; an expression default needs a rebuild.
-- from
CREATE TABLE events (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
-- to
CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    weight INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL DEFAULT (datetime('now'))
);
-- data
INSERT INTO events VALUES (1, 'launch'), (2, 'review');
