-- Two new tables reference each other: the keys are added once both exist.
-- from
CREATE TABLE companies (id integer PRIMARY KEY, name text NOT NULL);
-- to
CREATE TABLE companies (id integer PRIMARY KEY, name text NOT NULL);
CREATE TABLE departments (
    id integer PRIMARY KEY,
    company_id integer NOT NULL REFERENCES companies (id),
    head_id integer
);
CREATE TABLE staff_members (
    id integer PRIMARY KEY,
    department_id integer REFERENCES departments (id) ON DELETE SET NULL
);
ALTER TABLE departments ADD CONSTRAINT departments_head_fk FOREIGN KEY (head_id) REFERENCES staff_members (id);
-- data
INSERT INTO companies VALUES (1, 'Acme');
