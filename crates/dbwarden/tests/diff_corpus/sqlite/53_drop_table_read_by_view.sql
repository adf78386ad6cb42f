-- Destructive: a table and the view reading it go together.
-- from
CREATE TABLE temp_imports (id INTEGER PRIMARY KEY, raw TEXT);
CREATE VIEW pending_imports AS SELECT id FROM temp_imports WHERE raw IS NOT NULL;
CREATE TABLE keepers (id INTEGER PRIMARY KEY);
-- to
CREATE TABLE keepers (id INTEGER PRIMARY KEY);
-- data
INSERT INTO temp_imports VALUES (1, 'x');
INSERT INTO keepers VALUES (1);
