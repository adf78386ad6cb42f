-- A virtual generated column is added (computed on read).
-- from
CREATE TABLE order_lines (id INT NOT NULL PRIMARY KEY, quantity INT NOT NULL, unit_price DECIMAL(10,2) NOT NULL);
-- to
CREATE TABLE order_lines (
    id INT NOT NULL PRIMARY KEY,
    quantity INT NOT NULL,
    unit_price DECIMAL(10,2) NOT NULL,
    line_total DECIMAL(12,2) AS (quantity * unit_price) VIRTUAL
);
-- data
INSERT INTO order_lines VALUES (1, 2, 9.50), (2, 1, 100.00);
