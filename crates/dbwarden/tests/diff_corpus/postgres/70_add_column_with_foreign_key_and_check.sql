-- A new column with a foreign key and a check on it.
-- from
CREATE TABLE currencies (code char(3) PRIMARY KEY);
CREATE TABLE wallets (id integer PRIMARY KEY, owner text NOT NULL);
-- to
CREATE TABLE currencies (code char(3) PRIMARY KEY);
CREATE TABLE wallets (
    id integer PRIMARY KEY,
    owner text NOT NULL,
    currency char(3) CONSTRAINT wallets_currency_fk REFERENCES currencies (code),
    CONSTRAINT wallets_currency_upper CHECK (currency = upper(currency))
);
-- data
INSERT INTO currencies VALUES ('EUR');
INSERT INTO wallets VALUES (1, 'Ann'), (2, 'Bob');
