-- An enum loses a label while the table using it is renamed, in one migration.
-- rename: tickets=issues
-- from
CREATE TYPE severity AS ENUM ('low', 'medium', 'high', 'critical');
CREATE TABLE tickets (id integer PRIMARY KEY, severity severity NOT NULL DEFAULT 'low');
-- to
CREATE TYPE severity AS ENUM ('low', 'medium', 'high');
CREATE TABLE issues (id integer PRIMARY KEY, severity severity NOT NULL DEFAULT 'low');
-- data
INSERT INTO tickets VALUES (1, 'high'), (2, 'low');
