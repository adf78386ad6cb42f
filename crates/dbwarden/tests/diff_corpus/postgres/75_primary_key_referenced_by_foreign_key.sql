-- Dependency: the primary key a foreign key relies on moves to another column; the key is
-- then served by a new unique constraint on the old column.
-- from
CREATE TABLE products (id integer NOT NULL, sku text NOT NULL, CONSTRAINT products_pkey PRIMARY KEY (id));
CREATE TABLE order_items (id integer PRIMARY KEY, product_id integer NOT NULL CONSTRAINT order_items_product_fk REFERENCES products (id));
-- to
CREATE TABLE products (id integer NOT NULL, sku text NOT NULL, CONSTRAINT products_pkey PRIMARY KEY (sku), CONSTRAINT products_id_key UNIQUE (id));
CREATE TABLE order_items (id integer PRIMARY KEY, product_id integer NOT NULL CONSTRAINT order_items_product_fk REFERENCES products (id));
-- data
INSERT INTO products VALUES (1, 'LAMP'), (2, 'DESK');
INSERT INTO order_items VALUES (10, 1), (11, 2);
