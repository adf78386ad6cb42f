-- Defaults go away.
-- from
CREATE TABLE settings (name TEXT PRIMARY KEY, value TEXT DEFAULT 'unset', updated_at TEXT DEFAULT CURRENT_DATE);
-- to
CREATE TABLE settings (name TEXT PRIMARY KEY, value TEXT, updated_at TEXT);
-- data
INSERT INTO settings VALUES ('theme', 'dark', '2024-03-01'), ('lang', 'fr', '2024-03-02');
