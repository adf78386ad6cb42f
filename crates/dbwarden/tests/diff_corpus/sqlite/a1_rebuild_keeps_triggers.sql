-- A new CHECK rebuilds the table, which drops its triggers with the old copy: they come back.
-- from
CREATE TABLE items (id INTEGER PRIMARY KEY, label TEXT, touched TEXT);
CREATE TRIGGER items_touch AFTER UPDATE OF label ON items BEGIN UPDATE items SET touched = 'yes' WHERE id = NEW.id; END;
-- to
CREATE TABLE items (id INTEGER PRIMARY KEY, label TEXT, touched TEXT, CHECK (label <> ''));
CREATE TRIGGER items_touch AFTER UPDATE OF label ON items BEGIN UPDATE items SET touched = 'yes' WHERE id = NEW.id; END;
-- data
INSERT INTO items VALUES (1, 'one', NULL);
