-- A view's body changes, columns unchanged.
-- from
CREATE TABLE members (id integer PRIMARY KEY, name text NOT NULL, active boolean NOT NULL DEFAULT true);
CREATE VIEW active_members AS SELECT id, name FROM members WHERE active;
-- to
CREATE TABLE members (id integer PRIMARY KEY, name text NOT NULL, active boolean NOT NULL DEFAULT true);
CREATE VIEW active_members AS SELECT id, name FROM members WHERE active AND name <> '';
-- data
INSERT INTO members VALUES (1, 'Ann', true), (2, 'Bob', false);
