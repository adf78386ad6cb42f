-- One trigger comes in, one changes, one goes.
-- from
CREATE TABLE items (id INTEGER PRIMARY KEY, label TEXT, touched TEXT);
CREATE TABLE log (id INTEGER PRIMARY KEY, item_id INTEGER);
CREATE TRIGGER items_log AFTER INSERT ON items BEGIN INSERT INTO log (item_id) VALUES (NEW.id); END;
CREATE TRIGGER items_old AFTER DELETE ON items BEGIN DELETE FROM log WHERE item_id = OLD.id; END;
-- to
CREATE TABLE items (id INTEGER PRIMARY KEY, label TEXT, touched TEXT);
CREATE TABLE log (id INTEGER PRIMARY KEY, item_id INTEGER);
CREATE TRIGGER items_log AFTER INSERT ON items BEGIN INSERT INTO log (item_id) VALUES (NEW.id * 10); END;
CREATE TRIGGER items_touch AFTER UPDATE OF label ON items BEGIN UPDATE items SET touched = 'yes' WHERE id = NEW.id; END;
-- data
INSERT INTO items VALUES (1, 'one', NULL);
