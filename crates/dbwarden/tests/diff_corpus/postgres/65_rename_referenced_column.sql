-- A referenced key column is renamed; the foreign key and the view follow.
-- rename: authors.id=author_id
-- from
CREATE TABLE authors (id integer PRIMARY KEY, name text NOT NULL);
CREATE TABLE posts (id integer PRIMARY KEY, author integer REFERENCES authors (id));
CREATE VIEW author_names AS SELECT id, name FROM authors;
-- to
CREATE TABLE authors (author_id integer PRIMARY KEY, name text NOT NULL);
CREATE TABLE posts (id integer PRIMARY KEY, author integer REFERENCES authors (author_id));
CREATE VIEW author_names AS SELECT author_id AS id, name FROM authors;
-- data
INSERT INTO authors VALUES (1, 'Ann'), (2, 'Bob');
INSERT INTO posts VALUES (10, 1), (11, 2);
