-- A unique key goes.
-- from
CREATE TABLE slugs (id INT NOT NULL PRIMARY KEY, slug VARCHAR(80) NOT NULL, UNIQUE KEY slugs_slug_key (slug));
-- to
CREATE TABLE slugs (id INT NOT NULL PRIMARY KEY, slug VARCHAR(80) NOT NULL);
-- data
INSERT INTO slugs VALUES (1, 'hello-world'), (2, 'second-post');
