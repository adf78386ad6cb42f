-- A free sequence becomes owned by the column whose default uses it.
-- from
CREATE SEQUENCE badge_numbers;
CREATE TABLE badges (id integer PRIMARY KEY, number bigint NOT NULL DEFAULT nextval('badge_numbers'));
-- to
CREATE SEQUENCE badge_numbers OWNED BY NONE;
CREATE TABLE badges (id integer PRIMARY KEY, number bigint NOT NULL DEFAULT nextval('badge_numbers'));
ALTER SEQUENCE badge_numbers OWNED BY badges.number;
-- data
INSERT INTO badges (id) VALUES (1), (2);
