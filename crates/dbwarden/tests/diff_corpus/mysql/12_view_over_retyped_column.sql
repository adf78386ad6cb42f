-- Dependency: a view reads a column whose type changes.
-- from
CREATE TABLE payments (id INT NOT NULL PRIMARY KEY, amount INT NOT NULL);
CREATE VIEW large_payments AS SELECT id, amount FROM payments WHERE amount > 100;
-- to
CREATE TABLE payments (id INT NOT NULL PRIMARY KEY, amount BIGINT NOT NULL);
CREATE VIEW large_payments AS SELECT id, amount FROM payments WHERE amount > 100;
-- data
INSERT INTO payments VALUES (1, 50), (2, 500);
