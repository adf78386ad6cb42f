-- A foreign key between existing tables.
-- from
CREATE TABLE authors (id INT NOT NULL PRIMARY KEY, name VARCHAR(80) NOT NULL);
CREATE TABLE books (id INT NOT NULL PRIMARY KEY, author_id INT NOT NULL, title VARCHAR(200));
-- to
CREATE TABLE authors (id INT NOT NULL PRIMARY KEY, name VARCHAR(80) NOT NULL);
CREATE TABLE books (
    id INT NOT NULL PRIMARY KEY,
    author_id INT NOT NULL,
    title VARCHAR(200),
    CONSTRAINT books_author_fk FOREIGN KEY (author_id) REFERENCES authors (id) ON DELETE CASCADE
);
-- data
INSERT INTO authors VALUES (1, 'Le Guin'), (2, 'Lem');
INSERT INTO books VALUES (10, 1, 'The Dispossessed'), (11, 2, 'Solaris');
