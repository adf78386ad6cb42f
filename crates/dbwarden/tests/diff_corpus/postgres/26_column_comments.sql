-- Column comments added, changed and removed.
-- from
CREATE TABLE employees (id integer PRIMARY KEY, name text, salary numeric(10,2), badge text);
COMMENT ON COLUMN employees.salary IS 'Monthly, before tax';
COMMENT ON COLUMN employees.badge IS 'Obsolete';
-- to
CREATE TABLE employees (id integer PRIMARY KEY, name text, salary numeric(10,2), badge text);
COMMENT ON COLUMN employees.name IS 'Full name as on the contract';
COMMENT ON COLUMN employees.salary IS 'Yearly, before tax; it''s in euros';
-- data
INSERT INTO employees VALUES (1, 'Ann', 4000, 'B1');
