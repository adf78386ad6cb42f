-- Destructive: a column that is part of a unique constraint and an index goes (a rebuild).
-- The down script adds it back with its default (a NOT NULL column without one could not
-- come back on a table with rows).
-- from
CREATE TABLE enrolments (id INTEGER PRIMARY KEY, student INTEGER NOT NULL, course TEXT NOT NULL, term TEXT NOT NULL DEFAULT '2024', UNIQUE (student, course, term));
CREATE INDEX enrolments_term ON enrolments (term);
-- to
CREATE TABLE enrolments (id INTEGER PRIMARY KEY, student INTEGER NOT NULL, course TEXT NOT NULL, UNIQUE (student, course));
-- data
INSERT INTO enrolments VALUES (1, 1, 'math', '2024'), (2, 1, 'art', '2024');
