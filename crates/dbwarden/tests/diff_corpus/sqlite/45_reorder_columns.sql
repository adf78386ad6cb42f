-- Columns change places (a rebuild).
-- from
CREATE TABLE contacts (id INTEGER PRIMARY KEY, email TEXT, name TEXT NOT NULL, phone TEXT);
-- to
CREATE TABLE contacts (id INTEGER PRIMARY KEY, name TEXT NOT NULL, phone TEXT, email TEXT);
-- data
INSERT INTO contacts VALUES (1, 'ann@example.com', 'Ann', NULL), (2, NULL, 'Bob', '555');
