-- A check on an existing table is added NOT VALID, then validated.
-- from
CREATE TABLE prices (id integer PRIMARY KEY, amount numeric(10,2) NOT NULL, currency text NOT NULL);
-- to
CREATE TABLE prices (
    id integer PRIMARY KEY,
    amount numeric(10,2) NOT NULL,
    currency text NOT NULL,
    CONSTRAINT prices_amount_positive CHECK (amount > 0),
    CONSTRAINT prices_currency_iso CHECK (length(currency) = 3)
);
-- data
INSERT INTO prices VALUES (1, 10.00, 'EUR'), (2, 0.50, 'USD');
