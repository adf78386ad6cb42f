-- An enum type is created and a column of that type added.
-- from
CREATE TABLE issues (id integer PRIMARY KEY, title text NOT NULL);
-- to
CREATE TYPE issue_state AS ENUM ('open', 'in_progress', 'closed');
COMMENT ON TYPE issue_state IS 'Where an issue is';
CREATE TABLE issues (id integer PRIMARY KEY, title text NOT NULL, state issue_state NOT NULL DEFAULT 'open');
-- data
INSERT INTO issues VALUES (1, 'Crash on start'), (2, 'Typo');
