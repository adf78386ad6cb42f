-- Two overloads of one function name and a procedure: paired by argument types.
-- from
CREATE TABLE items (id integer PRIMARY KEY, price integer);
CREATE FUNCTION tax(amount integer) RETURNS integer LANGUAGE sql IMMUTABLE AS $$ SELECT amount / 5 $$;
-- to
CREATE TABLE items (id integer PRIMARY KEY, price integer);
CREATE FUNCTION tax(amount integer) RETURNS integer LANGUAGE sql IMMUTABLE AS $$ SELECT amount / 4 $$;
CREATE FUNCTION tax(amount integer, rate numeric) RETURNS integer LANGUAGE sql IMMUTABLE AS $$ SELECT (amount * rate)::integer $$;
CREATE PROCEDURE clear_items() LANGUAGE sql AS $$ DELETE FROM items WHERE price IS NULL $$;
-- data
INSERT INTO items VALUES (1, 100);
