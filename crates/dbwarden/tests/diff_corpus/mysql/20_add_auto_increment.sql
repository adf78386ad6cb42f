-- An existing key column starts numbering itself.
-- from
CREATE TABLE tags (id INT NOT NULL PRIMARY KEY, label VARCHAR(40) NOT NULL);
-- to
CREATE TABLE tags (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY, label VARCHAR(40) NOT NULL);
-- data
INSERT INTO tags VALUES (1, 'red'), (2, 'blue');
