-- Column comments added, changed and removed.
-- from
CREATE TABLE employees (
    id INT NOT NULL PRIMARY KEY,
    name VARCHAR(80),
    salary DECIMAL(10,2) COMMENT 'Monthly, before tax',
    badge VARCHAR(10) COMMENT 'Obsolete'
);
-- to
CREATE TABLE employees (
    id INT NOT NULL PRIMARY KEY,
    name VARCHAR(80) COMMENT 'Full name as on the contract',
    salary DECIMAL(10,2) COMMENT 'Yearly, before tax; it''s in euros',
    badge VARCHAR(10)
);
-- data
INSERT INTO employees VALUES (1, 'Ann', 4000, 'B1');
