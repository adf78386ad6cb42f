-- Narrowing an indexed column whose rows fit.
-- from
CREATE TABLE tags (id INT NOT NULL PRIMARY KEY, label VARCHAR(200) NOT NULL, UNIQUE KEY tags_label (label));
-- to
CREATE TABLE tags (id INT NOT NULL PRIMARY KEY, label VARCHAR(40) NOT NULL, UNIQUE KEY tags_label (label));
-- data
INSERT INTO tags VALUES (1, 'red'), (2, 'blue');
