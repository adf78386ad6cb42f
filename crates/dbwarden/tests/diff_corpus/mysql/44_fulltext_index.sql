-- A FULLTEXT index.
-- from
CREATE TABLE posts (id INT NOT NULL PRIMARY KEY, title VARCHAR(200) NOT NULL, body TEXT NOT NULL);
-- to
CREATE TABLE posts (id INT NOT NULL PRIMARY KEY, title VARCHAR(200) NOT NULL, body TEXT NOT NULL, FULLTEXT KEY posts_search (title, body));
-- data
INSERT INTO posts VALUES (1, 'Hello', 'First post'), (2, 'Again', 'Second post');
