-- A foreign key goes.
-- from
CREATE TABLE teams (id integer PRIMARY KEY);
CREATE TABLE players (id integer PRIMARY KEY, team_id integer CONSTRAINT players_team_fk REFERENCES teams (id));
-- to
CREATE TABLE teams (id integer PRIMARY KEY);
CREATE TABLE players (id integer PRIMARY KEY, team_id integer);
-- data
INSERT INTO teams VALUES (1), (2);
INSERT INTO players VALUES (10, 1), (11, NULL);
