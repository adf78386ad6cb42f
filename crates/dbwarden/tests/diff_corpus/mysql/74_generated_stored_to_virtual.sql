-- A generated column switches from STORED to VIRTUAL.
-- from
CREATE TABLE boxes (id INT NOT NULL PRIMARY KEY, w INT NOT NULL, h INT NOT NULL, d INT NOT NULL, volume INT AS (w * h * d) STORED);
-- to
CREATE TABLE boxes (id INT NOT NULL PRIMARY KEY, w INT NOT NULL, h INT NOT NULL, d INT NOT NULL, volume INT AS (w * h * d) VIRTUAL);
-- data
INSERT INTO boxes (id, w, h, d) VALUES (1, 1, 2, 3), (2, 4, 5, 6);
