-- expect: not-rerunnable-in-no-transaction
-- dbwarden:no-transaction
SET lock_timeout = '5s';
CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_customer_placed_idx ON orders (customer_id, placed_at);
DROP INDEX CONCURRENTLY orders_customer_idx;
ALTER TABLE orders ADD COLUMN IF NOT EXISTS archived_at timestamptz;
ALTER TABLE orders DROP CONSTRAINT orders_legacy_status_check;
