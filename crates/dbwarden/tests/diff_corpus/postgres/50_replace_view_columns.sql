-- A view loses a column and renames another, which CREATE OR REPLACE VIEW refuses; a view
-- reading it has to go and come back.
-- from
CREATE TABLE staff (id integer PRIMARY KEY, name text NOT NULL, email text, phone text);
CREATE VIEW staff_directory AS SELECT id, name, email, phone FROM staff;
CREATE VIEW staff_names AS SELECT name FROM staff_directory;
-- to
CREATE TABLE staff (id integer PRIMARY KEY, name text NOT NULL, email text, phone text);
CREATE VIEW staff_directory AS SELECT id, name AS full_name, email FROM staff;
CREATE VIEW staff_names AS SELECT full_name AS name FROM staff_directory;
-- data
INSERT INTO staff VALUES (1, 'Ann', 'ann@example.com', NULL);
