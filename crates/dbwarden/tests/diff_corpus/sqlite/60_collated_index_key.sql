-- An index key with its own collation, and a descending one.
-- from
CREATE TABLE names (id INTEGER PRIMARY KEY, name TEXT NOT NULL, created_at TEXT NOT NULL);
-- to
CREATE TABLE names (id INTEGER PRIMARY KEY, name TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE INDEX names_name_nocase ON names (name COLLATE NOCASE);
CREATE INDEX names_recent ON names (created_at DESC, id);
-- data
INSERT INTO names VALUES (1, 'ann', '2024-01-01'), (2, 'Bob', '2024-01-02');
