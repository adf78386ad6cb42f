-- Integer signedness and decimal precision change.
-- from
CREATE TABLE balances (id INT NOT NULL PRIMARY KEY, visits INT NOT NULL DEFAULT 0, amount DECIMAL(8,2) NOT NULL DEFAULT 0.00);
-- to
CREATE TABLE balances (id INT NOT NULL PRIMARY KEY, visits INT UNSIGNED NOT NULL DEFAULT 0, amount DECIMAL(14,2) NOT NULL DEFAULT 0.00);
-- data
INSERT INTO balances VALUES (1, 12, 123456.78), (2, 0, -5.00);
