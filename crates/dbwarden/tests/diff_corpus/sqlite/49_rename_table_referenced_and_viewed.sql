-- A referenced table read by a view is renamed; the key, the view and the rows follow.
-- rename: accounts=ledgers
-- from
CREATE TABLE accounts (id INTEGER PRIMARY KEY, owner TEXT NOT NULL);
CREATE TABLE entries (id INTEGER PRIMARY KEY, account_id INTEGER NOT NULL REFERENCES accounts (id), amount REAL NOT NULL);
CREATE VIEW balances AS SELECT a.id, sum(e.amount) AS balance FROM accounts a JOIN entries e ON e.account_id = a.id GROUP BY a.id;
-- to
CREATE TABLE ledgers (id INTEGER PRIMARY KEY, owner TEXT NOT NULL);
CREATE TABLE entries (id INTEGER PRIMARY KEY, account_id INTEGER NOT NULL REFERENCES ledgers (id), amount REAL NOT NULL);
CREATE VIEW balances AS SELECT a.id, sum(e.amount) AS balance FROM ledgers a JOIN entries e ON e.account_id = a.id GROUP BY a.id;
-- data
INSERT INTO accounts VALUES (1, 'Ann');
INSERT INTO entries VALUES (1, 1, 10.0), (2, 1, -2.5);
