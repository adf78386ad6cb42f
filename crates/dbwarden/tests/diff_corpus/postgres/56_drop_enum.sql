-- A column of an enum type becomes text and the type goes.
-- from
CREATE TYPE mood AS ENUM ('happy', 'sad');
CREATE TABLE diary (id integer PRIMARY KEY, mood mood);
-- to
CREATE TABLE diary (id integer PRIMARY KEY, mood text);
-- data
INSERT INTO diary VALUES (1, 'happy'), (2, NULL);
