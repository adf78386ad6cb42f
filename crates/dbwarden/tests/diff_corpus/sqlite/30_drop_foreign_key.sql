-- A foreign key goes (a rebuild).
-- from
CREATE TABLE teams (id INTEGER PRIMARY KEY);
CREATE TABLE players (id INTEGER PRIMARY KEY, team_id INTEGER REFERENCES teams (id));
-- to
CREATE TABLE teams (id INTEGER PRIMARY KEY);
CREATE TABLE players (id INTEGER PRIMARY KEY, team_id INTEGER);
-- data
INSERT INTO teams VALUES (1), (2);
INSERT INTO players VALUES (10, 1), (11, NULL);
