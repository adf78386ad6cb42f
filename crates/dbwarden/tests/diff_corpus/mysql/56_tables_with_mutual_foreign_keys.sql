-- Two new tables reference each other: the keys are added once both exist.
-- from
CREATE TABLE companies (id INT NOT NULL PRIMARY KEY, name VARCHAR(60) NOT NULL);
-- to
CREATE TABLE companies (id INT NOT NULL PRIMARY KEY, name VARCHAR(60) NOT NULL);
CREATE TABLE departments (
    id INT NOT NULL PRIMARY KEY,
    company_id INT NOT NULL,
    head_id INT,
    CONSTRAINT departments_company_fk FOREIGN KEY (company_id) REFERENCES companies (id)
);
CREATE TABLE staff_members (
    id INT NOT NULL PRIMARY KEY,
    department_id INT,
    CONSTRAINT staff_department_fk FOREIGN KEY (department_id) REFERENCES departments (id) ON DELETE SET NULL
);
ALTER TABLE departments ADD CONSTRAINT departments_head_fk FOREIGN KEY (head_id) REFERENCES staff_members (id);
-- data
INSERT INTO companies VALUES (1, 'Acme');
