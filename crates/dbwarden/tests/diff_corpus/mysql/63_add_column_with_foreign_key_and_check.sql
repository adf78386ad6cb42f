-- A new column with a foreign key and a check on it.
-- from
CREATE TABLE currencies (code CHAR(3) NOT NULL PRIMARY KEY);
CREATE TABLE wallets (id INT NOT NULL PRIMARY KEY, owner VARCHAR(40) NOT NULL);
-- to
CREATE TABLE currencies (code CHAR(3) NOT NULL PRIMARY KEY);
CREATE TABLE wallets (
    id INT NOT NULL PRIMARY KEY,
    owner VARCHAR(40) NOT NULL,
    currency CHAR(3),
    CONSTRAINT wallets_currency_fk FOREIGN KEY (currency) REFERENCES currencies (code),
    CONSTRAINT wallets_currency_upper CHECK (currency = upper(currency))
);
-- data
INSERT INTO currencies VALUES ('EUR');
INSERT INTO wallets VALUES (1, 'Ann'), (2, 'Bob');
