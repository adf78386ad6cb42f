-- One materialized view's body changes (dropped and created), another gains an index and a
-- comment, a third comes in.
-- from
CREATE TABLE orders (id integer PRIMARY KEY, customer integer NOT NULL, total integer NOT NULL);
CREATE MATERIALIZED VIEW order_totals AS SELECT customer, sum(total) AS spent FROM orders GROUP BY customer;
CREATE MATERIALIZED VIEW order_counts AS SELECT customer, count(*) AS n FROM orders GROUP BY customer;
-- to
CREATE TABLE orders (id integer PRIMARY KEY, customer integer NOT NULL, total integer NOT NULL);
CREATE MATERIALIZED VIEW order_totals AS SELECT customer, sum(total) AS spent, max(total) AS biggest FROM orders GROUP BY customer;
CREATE MATERIALIZED VIEW order_counts AS SELECT customer, count(*) AS n FROM orders GROUP BY customer;
CREATE UNIQUE INDEX order_counts_customer ON order_counts (customer);
COMMENT ON MATERIALIZED VIEW order_counts IS 'Orders per customer';
CREATE MATERIALIZED VIEW big_orders AS SELECT id FROM orders WHERE total > 100;
-- data
INSERT INTO orders VALUES (1, 1, 50), (2, 1, 150), (3, 2, 20);
