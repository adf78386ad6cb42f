-- A procedure comes in and a function's body changes.
-- from
CREATE TABLE items (id INT NOT NULL PRIMARY KEY, price INT);
CREATE FUNCTION tax(amount INT) RETURNS INT DETERMINISTIC RETURN amount DIV 5;
-- to
CREATE TABLE items (id INT NOT NULL PRIMARY KEY, price INT);
CREATE FUNCTION tax(amount INT) RETURNS INT DETERMINISTIC RETURN amount DIV 4;
DELIMITER //
CREATE PROCEDURE clear_items(IN below INT)
BEGIN
  DELETE FROM items WHERE price < below;
  SELECT ROW_COUNT() AS cleared;
END//
DELIMITER ;
-- data
INSERT INTO items VALUES (1, 100);
