-- A unique index (not a constraint) on an expression: one account per address, ignoring case.
-- from
CREATE TABLE logins (id integer PRIMARY KEY, email text NOT NULL);
-- to
CREATE TABLE logins (id integer PRIMARY KEY, email text NOT NULL);
CREATE UNIQUE INDEX logins_email_lower ON logins (lower(email));
-- data
INSERT INTO logins VALUES (1, 'Ann@example.com'), (2, 'bob@example.com');
