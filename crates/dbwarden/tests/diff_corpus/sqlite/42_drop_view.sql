-- A view and the view over it go.
-- from
CREATE TABLE stock_moves (id INTEGER PRIMARY KEY, sku TEXT NOT NULL, delta INTEGER NOT NULL);
CREATE VIEW stock_levels AS SELECT sku, sum(delta) AS level FROM stock_moves GROUP BY sku;
CREATE VIEW out_of_stock AS SELECT sku FROM stock_levels WHERE level <= 0;
-- to
CREATE TABLE stock_moves (id INTEGER PRIMARY KEY, sku TEXT NOT NULL, delta INTEGER NOT NULL);
-- data
INSERT INTO stock_moves VALUES (1, 'A', 5), (2, 'A', -5);
