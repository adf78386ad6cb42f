-- One trigger's body changes (dropped and created again), another goes.
-- from
CREATE TABLE items (id INT NOT NULL PRIMARY KEY, label VARCHAR(50), touched DATETIME);
CREATE TABLE log (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY, item_id INT);
CREATE TRIGGER items_touch BEFORE UPDATE ON items FOR EACH ROW SET NEW.touched = NOW();
CREATE TRIGGER items_log AFTER INSERT ON items FOR EACH ROW INSERT INTO log (item_id) VALUES (NEW.id);
-- to
CREATE TABLE items (id INT NOT NULL PRIMARY KEY, label VARCHAR(50), touched DATETIME);
CREATE TABLE log (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY, item_id INT);
CREATE TRIGGER items_touch BEFORE UPDATE ON items FOR EACH ROW SET NEW.touched = UTC_TIMESTAMP();
-- data
INSERT INTO items VALUES (1, 'one', NULL);
