-- An index goes (concurrently).
-- from
CREATE TABLE visits (id bigint PRIMARY KEY, path text NOT NULL, at timestamptz NOT NULL);
CREATE INDEX visits_path ON visits (path);
-- to
CREATE TABLE visits (id bigint PRIMARY KEY, path text NOT NULL, at timestamptz NOT NULL);
-- data
INSERT INTO visits VALUES (1, '/', '2024-05-01 08:00:00+00');
