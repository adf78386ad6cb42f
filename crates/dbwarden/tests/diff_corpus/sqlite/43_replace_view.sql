-- A view's body and columns change; a view reading it comes back too.
-- from
CREATE TABLE staff (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT, phone TEXT);
CREATE VIEW staff_directory AS SELECT id, name, email, phone FROM staff;
CREATE VIEW staff_names AS SELECT name FROM staff_directory;
-- to
CREATE TABLE staff (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT, phone TEXT);
CREATE VIEW staff_directory AS SELECT id, name, email FROM staff WHERE email IS NOT NULL;
CREATE VIEW staff_names AS SELECT name FROM staff_directory;
-- data
INSERT INTO staff VALUES (1, 'Ann', 'ann@example.com', NULL);
