-- Dependency: the index a foreign key uses is dropped (the key needs one, so the server's
-- own index comes back); and another foreign key gets an explicit index.
-- from
CREATE TABLE teams (id INT NOT NULL PRIMARY KEY);
CREATE TABLE players (
    id INT NOT NULL PRIMARY KEY,
    team_id INT,
    coach_id INT,
    KEY players_team_idx (team_id),
    CONSTRAINT players_team_fk FOREIGN KEY (team_id) REFERENCES teams (id),
    CONSTRAINT players_coach_fk FOREIGN KEY (coach_id) REFERENCES teams (id)
);
-- to
CREATE TABLE teams (id INT NOT NULL PRIMARY KEY);
CREATE TABLE players (
    id INT NOT NULL PRIMARY KEY,
    team_id INT,
    coach_id INT,
    KEY players_coach_idx (coach_id),
    CONSTRAINT players_team_fk FOREIGN KEY (team_id) REFERENCES teams (id),
    CONSTRAINT players_coach_fk FOREIGN KEY (coach_id) REFERENCES teams (id)
);
-- data
INSERT INTO teams VALUES (1), (2);
INSERT INTO players VALUES (1, 1, 2), (2, 2, NULL);
