-- A nullable integer becomes an identity primary key (NOT NULL first, then the identity).
-- from
CREATE TABLE legacy_rows (id integer, payload text);
-- to
CREATE TABLE legacy_rows (id integer GENERATED ALWAYS AS IDENTITY, payload text, CONSTRAINT legacy_rows_pkey PRIMARY KEY (id));
-- data
INSERT INTO legacy_rows VALUES (1, 'a'), (2, 'b');
