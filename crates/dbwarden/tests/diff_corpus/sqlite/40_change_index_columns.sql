-- An index gets another column and a sort order.
-- from
CREATE TABLE readings (id INTEGER PRIMARY KEY, sensor INTEGER NOT NULL, taken_at TEXT NOT NULL);
CREATE INDEX readings_sensor ON readings (sensor);
-- to
CREATE TABLE readings (id INTEGER PRIMARY KEY, sensor INTEGER NOT NULL, taken_at TEXT NOT NULL);
CREATE INDEX readings_sensor ON readings (sensor, taken_at DESC);
-- data
INSERT INTO readings VALUES (1, 7, '2024-02-02 02:02:02');
