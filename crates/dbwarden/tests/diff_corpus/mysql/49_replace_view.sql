-- A view's body and columns change (CREATE OR REPLACE VIEW takes any new column list).
-- from
CREATE TABLE staff (id INT NOT NULL PRIMARY KEY, name VARCHAR(60) NOT NULL, email VARCHAR(100), phone VARCHAR(20));
CREATE VIEW staff_directory AS SELECT id, name, email, phone FROM staff;
-- to
CREATE TABLE staff (id INT NOT NULL PRIMARY KEY, name VARCHAR(60) NOT NULL, email VARCHAR(100), phone VARCHAR(20));
CREATE VIEW staff_directory AS SELECT id, name AS full_name, email FROM staff WHERE email IS NOT NULL;
-- data
INSERT INTO staff VALUES (1, 'Ann', 'ann@example.com', NULL);
