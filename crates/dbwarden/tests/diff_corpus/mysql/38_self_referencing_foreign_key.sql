-- A table references itself (a tree of categories).
-- from
CREATE TABLE categories (id INT NOT NULL PRIMARY KEY, name VARCHAR(40) NOT NULL);
-- to
CREATE TABLE categories (
    id INT NOT NULL PRIMARY KEY,
    name VARCHAR(40) NOT NULL,
    parent_id INT,
    CONSTRAINT categories_parent_fk FOREIGN KEY (parent_id) REFERENCES categories (id) ON DELETE CASCADE
);
-- data
INSERT INTO categories VALUES (1, 'Books'), (2, 'Sci-fi');
