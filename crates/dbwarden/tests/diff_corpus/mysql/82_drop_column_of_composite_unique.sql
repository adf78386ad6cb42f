-- Destructive: a column of a three-column unique key goes; the key keeps the two others.
-- from
CREATE TABLE enrolments (id INT NOT NULL PRIMARY KEY, student INT NOT NULL, course VARCHAR(20) NOT NULL, term CHAR(4) NOT NULL DEFAULT '2024', UNIQUE KEY enrolments_once (student, course, term));
-- to
CREATE TABLE enrolments (id INT NOT NULL PRIMARY KEY, student INT NOT NULL, course VARCHAR(20) NOT NULL, UNIQUE KEY enrolments_once (student, course));
-- data
INSERT INTO enrolments VALUES (1, 1, 'math', '2024'), (2, 1, 'art', '2024');
