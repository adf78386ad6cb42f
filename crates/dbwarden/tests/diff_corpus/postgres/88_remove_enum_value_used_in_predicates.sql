-- An enum is recreated while a partial index and a check compare the column to a label.
-- from
CREATE TYPE job_state AS ENUM ('queued', 'running', 'failed', 'done');
CREATE TABLE jobs (
    id integer PRIMARY KEY,
    state job_state NOT NULL DEFAULT 'queued',
    CONSTRAINT jobs_not_failed CHECK (state <> 'failed')
);
CREATE INDEX jobs_queued ON jobs (id) WHERE state = 'queued';
-- to
CREATE TYPE job_state AS ENUM ('queued', 'running', 'done');
CREATE TABLE jobs (
    id integer PRIMARY KEY,
    state job_state NOT NULL DEFAULT 'queued'
);
CREATE INDEX jobs_queued ON jobs (id) WHERE state = 'queued';
-- data
INSERT INTO jobs VALUES (1, 'queued'), (2, 'done');
