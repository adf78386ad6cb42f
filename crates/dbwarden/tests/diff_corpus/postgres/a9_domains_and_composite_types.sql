-- A domain gains a check and loses its default, another comes in, and a composite type gains
-- an attribute (retyping one that a column stores is refused: PostgreSQL cannot).
-- (ship_to prints one more, empty, field once the attribute is added, so its rows are not compared.)
-- lossy: cards.ship_to
-- from
CREATE DOMAIN cents AS bigint DEFAULT 0;
CREATE TYPE postal AS (line1 text, city varchar(40));
CREATE TABLE cards (code text PRIMARY KEY, balance cents, ship_to postal);
-- to
CREATE DOMAIN cents AS bigint CONSTRAINT cents_positive CHECK (VALUE >= 0);
CREATE DOMAIN code_text AS text NOT NULL CHECK (length(VALUE) > 2);
CREATE TYPE postal AS (line1 text, city varchar(40), country char(2));
CREATE TABLE cards (code text PRIMARY KEY, balance cents, ship_to postal, label code_text DEFAULT 'card');
-- data
INSERT INTO cards VALUES ('abc', 100, ROW('Main St 1', 'Springfield'));
