-- A new nullable column with a foreign key and a check.
-- from
CREATE TABLE currencies (code TEXT PRIMARY KEY);
CREATE TABLE wallets (id INTEGER PRIMARY KEY, owner TEXT NOT NULL);
-- to
CREATE TABLE currencies (code TEXT PRIMARY KEY);
CREATE TABLE wallets (
    id INTEGER PRIMARY KEY,
    owner TEXT NOT NULL,
    currency TEXT REFERENCES currencies (code),
    CONSTRAINT wallets_currency_upper CHECK (currency = upper(currency))
);
-- data
INSERT INTO currencies VALUES ('EUR');
INSERT INTO wallets VALUES (1, 'Ann'), (2, 'Bob');
