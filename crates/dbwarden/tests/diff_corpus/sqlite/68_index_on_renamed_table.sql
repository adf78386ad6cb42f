-- A renamed table gets a new index and keeps its old ones.
-- rename: log=events
-- from
CREATE TABLE log (id INTEGER PRIMARY KEY, kind TEXT NOT NULL, at TEXT NOT NULL);
CREATE INDEX log_kind ON log (kind);
-- to
CREATE TABLE events (id INTEGER PRIMARY KEY, kind TEXT NOT NULL, at TEXT NOT NULL);
CREATE INDEX log_kind ON events (kind);
CREATE INDEX events_at ON events (at);
-- data
INSERT INTO log VALUES (1, 'start', '2024-01-01'), (2, 'stop', '2024-01-02');
