-- Narrowing: the rows fit, so they survive (strict mode refuses a longer value).
-- from
CREATE TABLE countries (code VARCHAR(10) NOT NULL PRIMARY KEY, name VARCHAR(200) NOT NULL);
-- to
CREATE TABLE countries (code VARCHAR(2) NOT NULL PRIMARY KEY, name VARCHAR(60) NOT NULL);
-- data
INSERT INTO countries VALUES ('FR', 'France'), ('PT', 'Portugal');
