-- A view and the view over it go (the reader first).
-- from
CREATE TABLE stock_moves (id integer PRIMARY KEY, sku text NOT NULL, delta integer NOT NULL);
CREATE VIEW stock_levels AS SELECT sku, sum(delta) AS level FROM stock_moves GROUP BY sku;
CREATE VIEW out_of_stock AS SELECT sku FROM stock_levels WHERE level <= 0;
-- to
CREATE TABLE stock_moves (id integer PRIMARY KEY, sku text NOT NULL, delta integer NOT NULL);
-- data
INSERT INTO stock_moves VALUES (1, 'A', 5), (2, 'A', -5);
