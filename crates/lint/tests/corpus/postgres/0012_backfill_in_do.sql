-- expect: missing-lock-timeout, missing-statement-timeout, require-concurrent-index, schema-change-with-backfill, update-without-where
ALTER TABLE users ADD COLUMN plan text;

DO $$
DECLARE
    batch int := 0;
BEGIN
    UPDATE users SET plan = 'free';
    EXECUTE 'CREATE INDEX users_plan_idx ON users (plan)';
    RAISE NOTICE 'backfilled % rows', batch;
END
$$;
