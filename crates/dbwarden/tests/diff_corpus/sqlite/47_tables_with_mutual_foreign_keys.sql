-- Two new tables reference each other, declared inline.
-- from
CREATE TABLE companies (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
-- to
CREATE TABLE companies (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE departments (
    id INTEGER PRIMARY KEY,
    company_id INTEGER NOT NULL REFERENCES companies (id),
    head_id INTEGER REFERENCES staff_members (id)
);
CREATE TABLE staff_members (
    id INTEGER PRIMARY KEY,
    department_id INTEGER REFERENCES departments (id) ON DELETE SET NULL
);
-- data
INSERT INTO companies VALUES (1, 'Acme');
