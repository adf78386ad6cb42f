-- A unique constraint becomes a partial unique index.
-- from
CREATE TABLE accounts (id INTEGER PRIMARY KEY, email TEXT NOT NULL, deleted INTEGER NOT NULL DEFAULT 0, UNIQUE (email));
-- to
CREATE TABLE accounts (id INTEGER PRIMARY KEY, email TEXT NOT NULL, deleted INTEGER NOT NULL DEFAULT 0);
CREATE UNIQUE INDEX accounts_live_email ON accounts (email) WHERE deleted = 0;
-- data
INSERT INTO accounts VALUES (1, 'a@example.com', 0), (2, 'b@example.com', 1);
