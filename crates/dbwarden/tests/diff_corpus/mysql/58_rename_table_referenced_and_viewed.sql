-- A referenced table read by a view is renamed; the key, the view and the rows follow.
-- rename: accounts=ledgers
-- from
CREATE TABLE accounts (id INT NOT NULL PRIMARY KEY, owner VARCHAR(40) NOT NULL);
CREATE TABLE entries (id INT NOT NULL PRIMARY KEY, account_id INT NOT NULL, amount DECIMAL(12,2) NOT NULL, CONSTRAINT entries_account_fk FOREIGN KEY (account_id) REFERENCES accounts (id));
CREATE VIEW balances AS SELECT a.id, sum(e.amount) AS balance FROM accounts a JOIN entries e ON e.account_id = a.id GROUP BY a.id;
-- to
CREATE TABLE ledgers (id INT NOT NULL PRIMARY KEY, owner VARCHAR(40) NOT NULL);
CREATE TABLE entries (id INT NOT NULL PRIMARY KEY, account_id INT NOT NULL, amount DECIMAL(12,2) NOT NULL, CONSTRAINT entries_account_fk FOREIGN KEY (account_id) REFERENCES ledgers (id));
CREATE VIEW balances AS SELECT a.id, sum(e.amount) AS balance FROM ledgers a JOIN entries e ON e.account_id = a.id GROUP BY a.id;
-- data
INSERT INTO accounts VALUES (1, 'Ann');
INSERT INTO entries VALUES (1, 1, 10.00), (2, 1, -2.50);
