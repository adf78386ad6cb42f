-- An index gets another column and a sort order.
-- from
CREATE TABLE readings (id BIGINT NOT NULL PRIMARY KEY, sensor INT NOT NULL, taken_at DATETIME NOT NULL, KEY readings_sensor (sensor));
-- to
CREATE TABLE readings (id BIGINT NOT NULL PRIMARY KEY, sensor INT NOT NULL, taken_at DATETIME NOT NULL, KEY readings_sensor (sensor, taken_at DESC));
-- data
INSERT INTO readings VALUES (1, 7, '2024-02-02 02:02:02');
