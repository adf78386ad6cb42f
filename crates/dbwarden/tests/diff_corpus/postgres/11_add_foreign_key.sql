-- A foreign key on existing tables is added NOT VALID, then validated.
-- from
CREATE TABLE authors (id integer PRIMARY KEY, name text NOT NULL);
CREATE TABLE books (id integer PRIMARY KEY, author_id integer NOT NULL, title text);
-- to
CREATE TABLE authors (id integer PRIMARY KEY, name text NOT NULL);
CREATE TABLE books (
    id integer PRIMARY KEY,
    author_id integer NOT NULL,
    title text,
    CONSTRAINT books_author_fk FOREIGN KEY (author_id) REFERENCES authors (id) ON DELETE CASCADE
);
-- data
INSERT INTO authors VALUES (1, 'Le Guin'), (2, 'Lem');
INSERT INTO books VALUES (10, 1, 'The Dispossessed'), (11, 2, 'Solaris');
