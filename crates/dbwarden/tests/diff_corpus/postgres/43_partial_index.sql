-- A partial index on the rows still to process.
-- from
CREATE TABLE jobs (id bigint PRIMARY KEY, state text NOT NULL, run_at timestamptz NOT NULL);
-- to
CREATE TABLE jobs (id bigint PRIMARY KEY, state text NOT NULL, run_at timestamptz NOT NULL);
CREATE INDEX jobs_pending ON jobs (run_at) WHERE state = 'pending';
-- data
INSERT INTO jobs VALUES (1, 'pending', '2024-01-01 00:00:00+00'), (2, 'done', '2024-01-01 00:00:00+00');
