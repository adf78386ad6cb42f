-- expect:
DO $$
DECLARE
    t text;
BEGIN
    FOR t IN SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename LIKE 'tmp_%' LOOP
        EXECUTE format('DROP TABLE IF EXISTS %I', t);
    END LOOP;
END
$$;
