-- expect:
DELIMITER //
CREATE PROCEDURE archive_orders(IN cutoff DATE)
BEGIN
    DECLARE moved INT DEFAULT 0;
    INSERT INTO orders_archive SELECT * FROM orders WHERE placed_at < cutoff;
    SET moved = ROW_COUNT();
    DELETE FROM orders WHERE placed_at < cutoff;
    SELECT moved AS archived;
END //

CREATE FUNCTION full_name(first_name VARCHAR(50), last_name VARCHAR(50))
RETURNS VARCHAR(101) DETERMINISTIC
BEGIN
    RETURN CONCAT(first_name, ' ', last_name);
END //
DELIMITER ;
