-- Dependency: DROP COLUMN fails while a view reads the column; the view is dropped and made again.
-- from
CREATE TABLE payments (id INTEGER PRIMARY KEY, amount INTEGER NOT NULL, note TEXT);
CREATE VIEW large_payments AS SELECT id, amount, note FROM payments WHERE amount > 100;
-- to
CREATE TABLE payments (id INTEGER PRIMARY KEY, amount INTEGER NOT NULL);
CREATE VIEW large_payments AS SELECT id, amount FROM payments WHERE amount > 100;
-- data
INSERT INTO payments VALUES (1, 50, 'small'), (2, 500, 'big');
