-- A function's result type changes, which CREATE OR REPLACE refuses: dropped and created; its
-- comment is set again.
-- from
CREATE TABLE items (id integer PRIMARY KEY);
CREATE FUNCTION item_count() RETURNS integer LANGUAGE sql STABLE AS $$ SELECT count(*)::integer FROM items $$;
COMMENT ON FUNCTION item_count() IS 'How many items';
-- to
CREATE TABLE items (id integer PRIMARY KEY);
CREATE FUNCTION item_count() RETURNS bigint LANGUAGE sql STABLE AS $$ SELECT count(*) FROM items $$;
COMMENT ON FUNCTION item_count() IS 'How many items';
-- data
INSERT INTO items VALUES (1), (2);
