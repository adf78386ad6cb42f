-- A table comment is set on one table and removed from another.
-- from
CREATE TABLE regions (id INT NOT NULL PRIMARY KEY, name VARCHAR(40));
CREATE TABLE zones (id INT NOT NULL PRIMARY KEY) COMMENT 'To be replaced by regions';
-- to
CREATE TABLE regions (id INT NOT NULL PRIMARY KEY, name VARCHAR(40)) COMMENT 'Sales regions';
CREATE TABLE zones (id INT NOT NULL PRIMARY KEY);
-- data
INSERT INTO regions VALUES (1, 'North');
INSERT INTO zones VALUES (7);
