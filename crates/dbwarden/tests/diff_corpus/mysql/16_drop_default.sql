-- A default goes away.
-- from
CREATE TABLE settings (name VARCHAR(40) NOT NULL PRIMARY KEY, value VARCHAR(200) DEFAULT 'unset', updated_at DATE DEFAULT '2000-01-01');
-- to
CREATE TABLE settings (name VARCHAR(40) NOT NULL PRIMARY KEY, value VARCHAR(200), updated_at DATE);
-- data
INSERT INTO settings VALUES ('theme', 'dark', '2024-03-01'), ('lang', 'fr', '2024-03-02');
