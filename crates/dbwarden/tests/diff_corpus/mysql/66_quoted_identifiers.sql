-- Names that need quoting: spaces, capitals, a backquote.
-- from
CREATE TABLE `Order Items` (`Item Id` INT NOT NULL PRIMARY KEY, `Unit Price` DECIMAL(8,2) NOT NULL);
-- to
CREATE TABLE `Order Items` (
    `Item Id` INT NOT NULL PRIMARY KEY,
    `Unit Price` DECIMAL(8,2) NOT NULL,
    `Buyer``s Note` VARCHAR(200) DEFAULT 'n/a' COMMENT 'What the buyer wrote',
    KEY `Order Items By Price` (`Unit Price` DESC),
    CONSTRAINT `Price Positive` CHECK (`Unit Price` > 0)
);
-- data
INSERT INTO `Order Items` VALUES (1, 9.99), (2, 100);
