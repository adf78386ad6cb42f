-- A table references itself (a tree of categories); the column is added by rebuilding.
-- from
CREATE TABLE categories (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
-- to
CREATE TABLE categories (id INTEGER PRIMARY KEY, name TEXT NOT NULL, parent_id INTEGER REFERENCES categories (id) ON DELETE CASCADE);
-- data
INSERT INTO categories VALUES (1, 'Books'), (2, 'Sci-fi');
