-- A partial unique index: one default address per customer.
-- from
CREATE TABLE addresses (id integer PRIMARY KEY, customer_id integer NOT NULL, is_default boolean NOT NULL DEFAULT false);
-- to
CREATE TABLE addresses (id integer PRIMARY KEY, customer_id integer NOT NULL, is_default boolean NOT NULL DEFAULT false);
CREATE UNIQUE INDEX addresses_one_default ON addresses (customer_id) WHERE is_default;
-- data
INSERT INTO addresses VALUES (1, 1, true), (2, 1, false), (3, 2, true);
