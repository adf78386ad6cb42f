-- expect:
CREATE EVENT IF NOT EXISTS purge_sessions
    ON SCHEDULE EVERY 1 DAY
    DO DELETE FROM sessions WHERE expires_at < NOW();
