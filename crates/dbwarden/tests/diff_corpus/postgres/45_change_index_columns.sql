-- An index gets another column and a sort order (dropped and created again).
-- from
CREATE TABLE readings (id bigint PRIMARY KEY, sensor integer NOT NULL, taken_at timestamptz NOT NULL);
CREATE INDEX readings_sensor ON readings (sensor);
-- to
CREATE TABLE readings (id bigint PRIMARY KEY, sensor integer NOT NULL, taken_at timestamptz NOT NULL);
CREATE INDEX readings_sensor ON readings (sensor, taken_at DESC);
-- data
INSERT INTO readings VALUES (1, 7, '2024-02-02 02:02:02+00');
