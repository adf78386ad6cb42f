-- A column is added before all others.
-- from
CREATE TABLE measurements (value DOUBLE NOT NULL, unit VARCHAR(5) NOT NULL);
-- to
CREATE TABLE measurements (taken_on DATE NOT NULL DEFAULT '2024-01-01', value DOUBLE NOT NULL, unit VARCHAR(5) NOT NULL);
-- data
INSERT INTO measurements VALUES (1.5, 'kg'), (20, 'cm');
