-- A schema with a comment, holding a new table that references one in public.
-- from
CREATE TABLE customers (id integer PRIMARY KEY, name text NOT NULL);
-- to
CREATE SCHEMA billing;
COMMENT ON SCHEMA billing IS 'Invoices and payments';
CREATE TABLE customers (id integer PRIMARY KEY, name text NOT NULL);
CREATE TABLE billing.invoices (
    id integer PRIMARY KEY,
    customer_id integer NOT NULL REFERENCES public.customers (id),
    total numeric(12,2) NOT NULL DEFAULT 0
);
-- data
INSERT INTO customers VALUES (1, 'Ann');
