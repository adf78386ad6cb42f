-- An enum used by an array column loses a label: the array column is converted too.
-- from
CREATE TYPE weekday AS ENUM ('mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun', 'holiday');
CREATE TABLE shops (id integer PRIMARY KEY, open_on weekday[] NOT NULL DEFAULT '{}');
-- to
CREATE TYPE weekday AS ENUM ('mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun');
CREATE TABLE shops (id integer PRIMARY KEY, open_on weekday[] NOT NULL DEFAULT '{}');
-- data
INSERT INTO shops VALUES (1, '{mon,tue}'), (2, '{}');
