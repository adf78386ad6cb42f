-- expect:
CREATE OR REPLACE PROCEDURE archive_sessions(cutoff timestamptz)
LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM sessions WHERE expires_at < cutoff;
    COMMIT;
END
$$;

GRANT EXECUTE ON PROCEDURE archive_sessions(timestamptz) TO app_worker;
