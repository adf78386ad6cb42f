-- A foreign key's actions change (dropped and added again).
-- from
CREATE TABLE folders (id INT NOT NULL PRIMARY KEY);
CREATE TABLE files (id INT NOT NULL PRIMARY KEY, folder_id INT, CONSTRAINT files_folder_fk FOREIGN KEY (folder_id) REFERENCES folders (id));
-- to
CREATE TABLE folders (id INT NOT NULL PRIMARY KEY);
CREATE TABLE files (id INT NOT NULL PRIMARY KEY, folder_id INT, CONSTRAINT files_folder_fk FOREIGN KEY (folder_id) REFERENCES folders (id) ON DELETE SET NULL ON UPDATE CASCADE);
-- data
INSERT INTO folders VALUES (1), (2);
INSERT INTO files VALUES (1, 1), (2, 2), (3, NULL);
