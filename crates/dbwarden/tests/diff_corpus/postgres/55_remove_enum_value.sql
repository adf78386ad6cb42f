-- An enum label no row uses is removed: the type is recreated and the column converted.
-- from
CREATE TYPE size AS ENUM ('small', 'medium', 'large', 'huge');
CREATE TABLE shirts (id integer PRIMARY KEY, size size NOT NULL DEFAULT 'medium');
CREATE VIEW large_shirts AS SELECT id FROM shirts WHERE size >= 'large';
-- to
CREATE TYPE size AS ENUM ('small', 'medium', 'large');
CREATE TABLE shirts (id integer PRIMARY KEY, size size NOT NULL DEFAULT 'medium');
CREATE VIEW large_shirts AS SELECT id FROM shirts WHERE size >= 'large';
-- data
INSERT INTO shirts VALUES (1, 'small'), (2, 'large');
