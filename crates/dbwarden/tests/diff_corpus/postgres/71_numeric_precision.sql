-- numeric gets more digits before the point (same scale).
-- from
CREATE TABLE balances (id integer PRIMARY KEY, amount numeric(8,2) NOT NULL DEFAULT 0);
-- to
CREATE TABLE balances (id integer PRIMARY KEY, amount numeric(14,2) NOT NULL DEFAULT 0);
-- data
INSERT INTO balances VALUES (1, 123456.78), (2, -5.00);
