-- A foreign key's actions change.
-- from
CREATE TABLE folders (id INTEGER PRIMARY KEY);
CREATE TABLE files (id INTEGER PRIMARY KEY, folder_id INTEGER REFERENCES folders (id));
-- to
CREATE TABLE folders (id INTEGER PRIMARY KEY);
CREATE TABLE files (id INTEGER PRIMARY KEY, folder_id INTEGER REFERENCES folders (id) ON DELETE SET NULL ON UPDATE CASCADE);
-- data
INSERT INTO folders VALUES (1), (2);
INSERT INTO files VALUES (1, 1), (2, 2), (3, NULL);
