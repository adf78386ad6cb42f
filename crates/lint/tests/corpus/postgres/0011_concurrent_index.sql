-- expect:
-- dbwarden:no-transaction
SET lock_timeout = '5s';
CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_placed_at_idx ON orders (placed_at);
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS users_lower_email_key ON users (lower(email));
DROP INDEX CONCURRENTLY IF EXISTS orders_old_status_idx;
