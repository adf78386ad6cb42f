-- expect: missing-lock-timeout
DELIMITER $$
CREATE DEFINER=`app`@`%` TRIGGER orders_check_total
BEFORE INSERT ON orders
FOR EACH ROW
BEGIN
    IF NEW.total_cents < 0 THEN
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'total_cents must not be negative';
    END IF;
END$$

CREATE TRIGGER orders_touch BEFORE UPDATE ON orders
FOR EACH ROW
BEGIN
    SET NEW.updated_at = CURRENT_TIMESTAMP;
END$$
DELIMITER ;
