-- Dependency: a dropped column is read by a view and keyed by an index.
-- from
CREATE TABLE products (id INTEGER PRIMARY KEY, title TEXT NOT NULL, legacy_sku TEXT);
CREATE INDEX products_legacy_sku ON products (legacy_sku);
CREATE VIEW product_list AS SELECT id, title, legacy_sku FROM products;
-- to
CREATE TABLE products (id INTEGER PRIMARY KEY, title TEXT NOT NULL);
CREATE VIEW product_list AS SELECT id, title FROM products;
-- data
INSERT INTO products VALUES (1, 'Lamp', 'L-1'), (2, 'Desk', NULL);
