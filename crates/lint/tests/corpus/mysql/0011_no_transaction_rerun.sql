-- expect: not-rerunnable-in-no-transaction, drop-table, missing-lock-timeout
-- dbwarden:no-transaction
ALTER TABLE orders ADD COLUMN archived_at datetime NULL, ALGORITHM=INSTANT;
DROP TABLE order_imports_2019;
DROP VIEW IF EXISTS order_totals;
