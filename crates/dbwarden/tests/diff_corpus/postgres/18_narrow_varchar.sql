-- Narrowing: the rows fit, so they survive (a longer value would make the script fail).
-- from
CREATE TABLE countries (code varchar(10) PRIMARY KEY, name varchar(200) NOT NULL);
-- to
CREATE TABLE countries (code varchar(2) PRIMARY KEY, name varchar(60) NOT NULL);
-- data
INSERT INTO countries VALUES ('FR', 'France'), ('PT', 'Portugal');
