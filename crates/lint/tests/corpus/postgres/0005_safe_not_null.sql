-- expect: drop-column
SET LOCAL lock_timeout = '5s';
ALTER TABLE orders ADD CONSTRAINT orders_placed_at_not_null CHECK (placed_at IS NOT NULL) NOT VALID;
ALTER TABLE orders VALIDATE CONSTRAINT orders_placed_at_not_null;
ALTER TABLE orders ALTER COLUMN placed_at SET NOT NULL;
ALTER TABLE orders DROP CONSTRAINT orders_placed_at_not_null;
-- dbwarden:allow drop-column metadata moved to order_details in release 2024.07
ALTER TABLE orders DROP COLUMN metadata;
ALTER TYPE order_status ADD VALUE IF NOT EXISTS 'refunded' AFTER 'paid';
