-- Index options the model once dropped: INCLUDE columns, NULLS FIRST, a storage parameter.
-- from
CREATE TABLE items (id integer PRIMARY KEY, label text, price integer);
CREATE INDEX items_label ON items (label);
-- to
CREATE TABLE items (id integer PRIMARY KEY, label text, price integer);
CREATE INDEX items_label ON items (label NULLS FIRST) INCLUDE (price) WITH (fillfactor = 70);
-- data
INSERT INTO items VALUES (1, 'one', 10), (2, NULL, 20);
