-- An extension comes in, and an index using its operator class (which must not be lost).
-- from
CREATE TABLE items (id integer PRIMARY KEY, label text);
-- to
CREATE EXTENSION pg_trgm;
CREATE TABLE items (id integer PRIMARY KEY, label text);
CREATE INDEX items_label_trgm ON items USING gin (label gin_trgm_ops);
-- data
INSERT INTO items VALUES (1, 'one'), (2, 'two');
