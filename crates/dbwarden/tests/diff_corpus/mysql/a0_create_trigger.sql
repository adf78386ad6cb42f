-- A trigger with a compound body comes in (written between DELIMITER lines).
-- from
CREATE TABLE items (id INT NOT NULL PRIMARY KEY, label VARCHAR(50), touched DATETIME);
-- to
CREATE TABLE items (id INT NOT NULL PRIMARY KEY, label VARCHAR(50), touched DATETIME);
DELIMITER //
CREATE TRIGGER items_touch BEFORE UPDATE ON items FOR EACH ROW
BEGIN
  SET NEW.touched = NOW();
  SET NEW.label = TRIM(NEW.label);
END//
DELIMITER ;
-- data
INSERT INTO items VALUES (1, 'one', NULL), (2, 'two', NULL);
