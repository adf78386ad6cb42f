-- A referencing column is renamed; its foreign key and the key's index follow.
-- rename: posts.author=author_id
-- from
CREATE TABLE authors (id INT NOT NULL PRIMARY KEY);
CREATE TABLE posts (id INT NOT NULL PRIMARY KEY, author INT, CONSTRAINT posts_author_fk FOREIGN KEY (author) REFERENCES authors (id));
-- to
CREATE TABLE authors (id INT NOT NULL PRIMARY KEY);
CREATE TABLE posts (id INT NOT NULL PRIMARY KEY, author_id INT, CONSTRAINT posts_author_fk FOREIGN KEY (author_id) REFERENCES authors (id));
-- data
INSERT INTO authors VALUES (1), (2);
INSERT INTO posts VALUES (10, 1), (11, NULL);
