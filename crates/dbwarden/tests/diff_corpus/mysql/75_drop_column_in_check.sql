-- Destructive: a column named by a two-column check goes, with the check.
-- from
CREATE TABLE periods (id INT NOT NULL PRIMARY KEY, starts_on DATE NOT NULL, ends_on DATE, CONSTRAINT periods_order CHECK (ends_on IS NULL OR ends_on >= starts_on));
-- to
CREATE TABLE periods (id INT NOT NULL PRIMARY KEY, starts_on DATE NOT NULL);
-- data
INSERT INTO periods VALUES (1, '2024-01-01', '2024-02-01'), (2, '2024-03-01', NULL);
