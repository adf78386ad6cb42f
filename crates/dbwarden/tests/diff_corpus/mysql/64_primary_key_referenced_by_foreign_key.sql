-- Dependency: the primary key a foreign key relies on moves to another column; the key is
-- then served by a new unique key on the old column.
-- from
CREATE TABLE products (id INT NOT NULL, sku VARCHAR(20) NOT NULL, PRIMARY KEY (id));
CREATE TABLE order_items (id INT NOT NULL PRIMARY KEY, product_id INT NOT NULL, CONSTRAINT order_items_product_fk FOREIGN KEY (product_id) REFERENCES products (id));
-- to
CREATE TABLE products (id INT NOT NULL, sku VARCHAR(20) NOT NULL, PRIMARY KEY (sku), UNIQUE KEY products_id_key (id));
CREATE TABLE order_items (id INT NOT NULL PRIMARY KEY, product_id INT NOT NULL, CONSTRAINT order_items_product_fk FOREIGN KEY (product_id) REFERENCES products (id));
-- data
INSERT INTO products VALUES (1, 'LAMP'), (2, 'DESK');
INSERT INTO order_items VALUES (10, 1), (11, 2);
