-- Destructive: a column with a foreign key goes, with the key and the key's index.
-- from
CREATE TABLE teams (id INT NOT NULL PRIMARY KEY);
CREATE TABLE players (id INT NOT NULL PRIMARY KEY, name VARCHAR(40), team_id INT, CONSTRAINT players_team_fk FOREIGN KEY (team_id) REFERENCES teams (id));
-- to
CREATE TABLE teams (id INT NOT NULL PRIMARY KEY);
CREATE TABLE players (id INT NOT NULL PRIMARY KEY, name VARCHAR(40));
-- data
INSERT INTO teams VALUES (1);
INSERT INTO players VALUES (1, 'Ann', 1), (2, 'Bob', NULL);
