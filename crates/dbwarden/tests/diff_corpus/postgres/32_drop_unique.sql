-- A unique constraint goes.
-- from
CREATE TABLE slugs (id integer PRIMARY KEY, slug text NOT NULL, CONSTRAINT slugs_slug_key UNIQUE (slug));
-- to
CREATE TABLE slugs (id integer PRIMARY KEY, slug text NOT NULL);
-- data
INSERT INTO slugs VALUES (1, 'hello-world'), (2, 'second-post');
