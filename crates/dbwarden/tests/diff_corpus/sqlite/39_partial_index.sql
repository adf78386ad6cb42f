-- A partial index on the rows still to process.
-- from
CREATE TABLE jobs (id INTEGER PRIMARY KEY, state TEXT NOT NULL, run_at TEXT NOT NULL);
-- to
CREATE TABLE jobs (id INTEGER PRIMARY KEY, state TEXT NOT NULL, run_at TEXT NOT NULL);
CREATE INDEX jobs_pending ON jobs (run_at) WHERE state = 'pending';
-- data
INSERT INTO jobs VALUES (1, 'pending', '2024-01-01'), (2, 'done', '2024-01-01');
