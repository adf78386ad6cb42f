-- A unique index on an expression: one account per address, ignoring case.
-- from
CREATE TABLE logins (id INTEGER PRIMARY KEY, email TEXT NOT NULL);
-- to
CREATE TABLE logins (id INTEGER PRIMARY KEY, email TEXT NOT NULL);
CREATE UNIQUE INDEX logins_email_lower ON logins (lower(email));
-- data
INSERT INTO logins VALUES (1, 'Ann@example.com'), (2, 'bob@example.com');
