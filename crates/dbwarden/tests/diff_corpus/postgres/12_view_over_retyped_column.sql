-- Dependency: a view reads a column whose type changes; the view is dropped and recreated.
-- from
CREATE TABLE payments (id integer PRIMARY KEY, amount integer NOT NULL);
CREATE VIEW large_payments AS SELECT id, amount FROM payments WHERE amount > 100;
-- to
CREATE TABLE payments (id integer PRIMARY KEY, amount bigint NOT NULL);
CREATE VIEW large_payments AS SELECT id, amount FROM payments WHERE amount > 100;
-- data
INSERT INTO payments VALUES (1, 50), (2, 500);
