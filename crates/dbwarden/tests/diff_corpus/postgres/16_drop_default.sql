-- A default goes away.
-- from
CREATE TABLE settings (key text PRIMARY KEY, value text DEFAULT 'unset', updated_at date DEFAULT CURRENT_DATE);
-- to
CREATE TABLE settings (key text PRIMARY KEY, value text, updated_at date);
-- data
INSERT INTO settings VALUES ('theme', 'dark', '2024-03-01'), ('lang', 'fr', '2024-03-02');
