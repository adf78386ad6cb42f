-- A single-column key becomes a composite one, under a constraint name.
-- from
CREATE TABLE memberships (user_id INTEGER NOT NULL PRIMARY KEY, group_id INTEGER NOT NULL, role TEXT NOT NULL DEFAULT 'member');
-- to
CREATE TABLE memberships (user_id INTEGER NOT NULL, group_id INTEGER NOT NULL, role TEXT NOT NULL DEFAULT 'member', CONSTRAINT memberships_pk PRIMARY KEY (user_id, group_id));
-- data
INSERT INTO memberships VALUES (1, 10, 'owner'), (2, 10, 'member');
