-- Destructive: a table and the view reading it go together.
-- from
CREATE TABLE temp_imports (id integer PRIMARY KEY, raw text);
CREATE VIEW pending_imports AS SELECT id FROM temp_imports WHERE raw IS NOT NULL;
CREATE TABLE keepers (id integer PRIMARY KEY);
-- to
CREATE TABLE keepers (id integer PRIMARY KEY);
-- data
INSERT INTO temp_imports VALUES (1, 'x');
INSERT INTO keepers VALUES (1);
