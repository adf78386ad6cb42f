-- A referenced key column is renamed; the foreign key and the view follow.
-- rename: authors.id=author_id
-- from
CREATE TABLE authors (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE posts (id INTEGER PRIMARY KEY, author INTEGER REFERENCES authors (id));
CREATE VIEW author_names AS SELECT id, name FROM authors;
-- to
CREATE TABLE authors (author_id INTEGER PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE posts (id INTEGER PRIMARY KEY, author INTEGER REFERENCES authors (author_id));
CREATE VIEW author_names AS SELECT author_id AS id, name FROM authors;
-- data
INSERT INTO authors VALUES (1, 'Ann'), (2, 'Bob');
INSERT INTO posts VALUES (10, 1), (11, 2);
