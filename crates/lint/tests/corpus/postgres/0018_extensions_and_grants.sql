-- expect:
CREATE EXTENSION IF NOT EXISTS pgcrypto;
CREATE EXTENSION IF NOT EXISTS citext WITH SCHEMA public;
CREATE SCHEMA IF NOT EXISTS reporting;
GRANT USAGE ON SCHEMA reporting TO analyst;
ALTER DEFAULT PRIVILEGES IN SCHEMA reporting GRANT SELECT ON TABLES TO analyst;
CREATE MATERIALIZED VIEW reporting.daily_orders AS
    SELECT date_trunc('day', placed_at) AS day, count(*) AS orders FROM orders GROUP BY 1;
COMMENT ON MATERIALIZED VIEW reporting.daily_orders IS 'Refreshed nightly.';
