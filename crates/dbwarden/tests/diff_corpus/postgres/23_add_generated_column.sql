-- A stored generated column is appended and computed for existing rows.
-- from
CREATE TABLE order_lines (id integer PRIMARY KEY, quantity integer NOT NULL, unit_price numeric(10,2) NOT NULL);
-- to
CREATE TABLE order_lines (
    id integer PRIMARY KEY,
    quantity integer NOT NULL,
    unit_price numeric(10,2) NOT NULL,
    line_total numeric(12,2) GENERATED ALWAYS AS (quantity * unit_price) STORED
);
-- data
INSERT INTO order_lines VALUES (1, 2, 9.50), (2, 1, 100.00);
