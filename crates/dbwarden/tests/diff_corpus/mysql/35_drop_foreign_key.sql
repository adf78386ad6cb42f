-- A foreign key goes, with the index the server made for it.
-- from
CREATE TABLE teams (id INT NOT NULL PRIMARY KEY);
CREATE TABLE players (id INT NOT NULL PRIMARY KEY, team_id INT, CONSTRAINT players_team_fk FOREIGN KEY (team_id) REFERENCES teams (id));
-- to
CREATE TABLE teams (id INT NOT NULL PRIMARY KEY);
CREATE TABLE players (id INT NOT NULL PRIMARY KEY, team_id INT);
-- data
INSERT INTO teams VALUES (1), (2);
INSERT INTO players VALUES (10, 1), (11, NULL);
