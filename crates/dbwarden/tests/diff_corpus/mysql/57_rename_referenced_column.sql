-- A referenced key column is renamed; the foreign key follows.
-- rename: authors.id=author_id
-- from
CREATE TABLE authors (id INT NOT NULL PRIMARY KEY, name VARCHAR(60) NOT NULL);
CREATE TABLE posts (id INT NOT NULL PRIMARY KEY, author INT, CONSTRAINT posts_author_fk FOREIGN KEY (author) REFERENCES authors (id));
-- to
CREATE TABLE authors (author_id INT NOT NULL PRIMARY KEY, name VARCHAR(60) NOT NULL);
CREATE TABLE posts (id INT NOT NULL PRIMARY KEY, author INT, CONSTRAINT posts_author_fk FOREIGN KEY (author) REFERENCES authors (author_id));
-- data
INSERT INTO authors VALUES (1, 'Ann'), (2, 'Bob');
INSERT INTO posts VALUES (10, 1), (11, 2);
