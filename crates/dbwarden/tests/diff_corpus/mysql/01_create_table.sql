-- A new table with a primary key, a unique key, a check and defaults.
-- from
CREATE TABLE customers (
    id INT NOT NULL PRIMARY KEY,
    email VARCHAR(200) NOT NULL
);
-- to
CREATE TABLE customers (
    id INT NOT NULL PRIMARY KEY,
    email VARCHAR(200) NOT NULL
);
CREATE TABLE coupons (
    code VARCHAR(20) NOT NULL PRIMARY KEY,
    percent_off SMALLINT NOT NULL DEFAULT 10,
    issued_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT coupons_percent_range CHECK (percent_off BETWEEN 1 AND 100),
    UNIQUE KEY coupons_code_percent (code, percent_off)
) COMMENT 'Discount codes';
-- data
INSERT INTO customers VALUES (1, 'ann@example.com'), (2, 'bob@example.com');
