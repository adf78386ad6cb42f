-- expect:
-- dbwarden:no-transaction
SET lock_timeout = '3s';
CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_status_idx ON orders (status) WHERE status <> 'shipped';
DROP INDEX CONCURRENTLY IF EXISTS orders_legacy_idx;
REINDEX INDEX CONCURRENTLY orders_user_id_idx;
