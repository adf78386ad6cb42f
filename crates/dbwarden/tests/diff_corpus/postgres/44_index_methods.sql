-- Indexes with other access methods: GIN on an array, hash on a text.
-- from
CREATE TABLE articles (id integer PRIMARY KEY, tags text[] NOT NULL DEFAULT '{}', slug text NOT NULL);
-- to
CREATE TABLE articles (id integer PRIMARY KEY, tags text[] NOT NULL DEFAULT '{}', slug text NOT NULL);
CREATE INDEX articles_tags ON articles USING gin (tags);
CREATE INDEX articles_slug_hash ON articles USING hash (slug);
-- data
INSERT INTO articles VALUES (1, '{rust,sql}', 'intro'), (2, '{}', 'empty');
