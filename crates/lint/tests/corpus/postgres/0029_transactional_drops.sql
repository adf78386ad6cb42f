-- expect:
SET LOCAL lock_timeout = '5s';
ALTER TABLE orders ADD COLUMN archived_at timestamptz;
ALTER TABLE orders DROP CONSTRAINT orders_legacy_status_check;
