-- A referenced table read by a view is renamed; the key, the view and the rows follow.
-- rename: accounts=ledgers
-- from
CREATE TABLE accounts (id integer CONSTRAINT accounts_pkey PRIMARY KEY, owner text NOT NULL);
CREATE TABLE entries (id integer PRIMARY KEY, account_id integer NOT NULL CONSTRAINT entries_account_fk REFERENCES accounts (id), amount numeric(12,2) NOT NULL);
CREATE VIEW balances AS SELECT a.id, sum(e.amount) AS balance FROM accounts a JOIN entries e ON e.account_id = a.id GROUP BY a.id;
-- to
CREATE TABLE ledgers (id integer CONSTRAINT accounts_pkey PRIMARY KEY, owner text NOT NULL);
CREATE TABLE entries (id integer PRIMARY KEY, account_id integer NOT NULL CONSTRAINT entries_account_fk REFERENCES ledgers (id), amount numeric(12,2) NOT NULL);
CREATE VIEW balances AS SELECT a.id, sum(e.amount) AS balance FROM ledgers a JOIN entries e ON e.account_id = a.id GROUP BY a.id;
-- data
INSERT INTO accounts VALUES (1, 'Ann');
INSERT INTO entries VALUES (1, 1, 10.00), (2, 1, -2.50);
