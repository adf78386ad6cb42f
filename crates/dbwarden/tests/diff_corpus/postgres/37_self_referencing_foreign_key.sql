-- A table references itself (a tree of categories).
-- from
CREATE TABLE categories (id integer PRIMARY KEY, name text NOT NULL);
-- to
CREATE TABLE categories (
    id integer PRIMARY KEY,
    name text NOT NULL,
    parent_id integer CONSTRAINT categories_parent_fk REFERENCES categories (id) ON DELETE CASCADE
);
-- data
INSERT INTO categories VALUES (1, 'Books'), (2, 'Sci-fi');
