-- expect:
CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT OR IGNORE INTO settings (key, value) VALUES
    ('theme', 'dark'),
    ('locale', 'en; fallback ''de'''),
    ('page_size', '50');
CREATE VIEW IF NOT EXISTS setting_names AS SELECT key FROM settings;
