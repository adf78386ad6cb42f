-- A foreign key becomes DEFERRABLE INITIALLY DEFERRED and MATCH FULL (dropped and added
-- again, NOT VALID then validated), another comes in deferrable.
-- from
CREATE TABLE parents (id integer PRIMARY KEY, code integer, UNIQUE (id, code));
CREATE TABLE children (id integer PRIMARY KEY, parent_id integer, parent_code integer,
  CONSTRAINT children_parent FOREIGN KEY (parent_id, parent_code) REFERENCES parents (id, code));
CREATE TABLE pets (id integer PRIMARY KEY, owner integer);
-- to
CREATE TABLE parents (id integer PRIMARY KEY, code integer, UNIQUE (id, code));
CREATE TABLE children (id integer PRIMARY KEY, parent_id integer, parent_code integer,
  CONSTRAINT children_parent FOREIGN KEY (parent_id, parent_code) REFERENCES parents (id, code)
  MATCH FULL DEFERRABLE INITIALLY DEFERRED);
CREATE TABLE pets (id integer PRIMARY KEY, owner integer,
  CONSTRAINT pets_owner FOREIGN KEY (owner) REFERENCES parents (id) DEFERRABLE);
-- data
INSERT INTO parents VALUES (1, 10), (2, 20);
INSERT INTO children VALUES (1, 1, 10), (2, NULL, NULL);
INSERT INTO pets VALUES (1, 2);
