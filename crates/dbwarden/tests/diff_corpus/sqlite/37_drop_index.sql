-- An index goes.
-- from
CREATE TABLE visits (id INTEGER PRIMARY KEY, path TEXT NOT NULL, at TEXT NOT NULL);
CREATE INDEX visits_path ON visits (path);
-- to
CREATE TABLE visits (id INTEGER PRIMARY KEY, path TEXT NOT NULL, at TEXT NOT NULL);
-- data
INSERT INTO visits VALUES (1, '/', '2024-05-01 08:00:00');
