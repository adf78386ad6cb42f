-- Destructive: a table and the view reading it go together.
-- from
CREATE TABLE temp_imports (id INT NOT NULL PRIMARY KEY, raw VARCHAR(100));
CREATE VIEW pending_imports AS SELECT id FROM temp_imports WHERE raw IS NOT NULL;
CREATE TABLE keepers (id INT NOT NULL PRIMARY KEY);
-- to
CREATE TABLE keepers (id INT NOT NULL PRIMARY KEY);
-- data
INSERT INTO temp_imports VALUES (1, 'x');
INSERT INTO keepers VALUES (1);
