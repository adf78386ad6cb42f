-- A view is created, and a view over it.
-- from
CREATE TABLE sales (id integer PRIMARY KEY, region text NOT NULL, amount numeric(10,2) NOT NULL);
-- to
CREATE TABLE sales (id integer PRIMARY KEY, region text NOT NULL, amount numeric(10,2) NOT NULL);
CREATE VIEW sales_by_region AS SELECT region, sum(amount) AS total FROM sales GROUP BY region;
CREATE VIEW top_regions AS SELECT region FROM sales_by_region WHERE total > 1000;
-- data
INSERT INTO sales VALUES (1, 'north', 1500), (2, 'south', 20);
