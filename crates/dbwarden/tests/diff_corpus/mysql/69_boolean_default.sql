-- A boolean (TINYINT(1)) column with a default is added, another loses its default.
-- from
CREATE TABLE features (id INT NOT NULL PRIMARY KEY, enabled TINYINT(1) NOT NULL DEFAULT 1);
-- to
CREATE TABLE features (id INT NOT NULL PRIMARY KEY, enabled TINYINT(1) NOT NULL, beta BOOLEAN NOT NULL DEFAULT FALSE);
-- data
INSERT INTO features VALUES (1, 1), (2, 0);
