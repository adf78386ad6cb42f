-- A column may hold NULL from now on (a rebuild).
-- from
CREATE TABLE contacts (id INTEGER PRIMARY KEY, phone TEXT NOT NULL);
-- to
CREATE TABLE contacts (id INTEGER PRIMARY KEY, phone TEXT);
-- data
INSERT INTO contacts VALUES (1, '+33 1 23 45 67 89'), (2, '555-0100');
