-- expect:
CREATE TABLE customers (
    id bigint unsigned NOT NULL AUTO_INCREMENT,
    email varchar(320) NOT NULL,
    created_at datetime NOT NULL DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY (id),
    UNIQUE KEY customers_email (email)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

INSERT IGNORE INTO customers (email) VALUES ('ada@example.com');

DELIMITER $$
CREATE TRIGGER customers_lowercase_email BEFORE INSERT ON customers
FOR EACH ROW
BEGIN
    SET NEW.email = LOWER(NEW.email);
END$$
DELIMITER ;
