-- BLOB and REAL columns are added and a NUMERIC one changes type; values keep their bytes.
-- from
CREATE TABLE files (id INTEGER PRIMARY KEY, name TEXT NOT NULL, size NUMERIC);
-- to
CREATE TABLE files (id INTEGER PRIMARY KEY, name TEXT NOT NULL, size INTEGER, checksum BLOB, ratio REAL DEFAULT 1.0);
-- data
INSERT INTO files VALUES (1, 'a.txt', 120), (2, 'b.bin', NULL);
