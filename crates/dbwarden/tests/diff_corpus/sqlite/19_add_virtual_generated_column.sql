-- A virtual generated column is added with ALTER TABLE.
-- from
CREATE TABLE order_lines (id INTEGER PRIMARY KEY, quantity INTEGER NOT NULL, unit_price REAL NOT NULL);
-- to
CREATE TABLE order_lines (
    id INTEGER PRIMARY KEY,
    quantity INTEGER NOT NULL,
    unit_price REAL NOT NULL,
    line_total REAL GENERATED ALWAYS AS (quantity * unit_price) VIRTUAL
);
-- data
INSERT INTO order_lines VALUES (1, 2, 9.5), (2, 1, 100.0);
