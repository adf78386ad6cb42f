-- Checks on an existing table (MySQL copies the table to add one).
-- from
CREATE TABLE prices (id INT NOT NULL PRIMARY KEY, amount DECIMAL(10,2) NOT NULL, currency CHAR(3) NOT NULL);
-- to
CREATE TABLE prices (
    id INT NOT NULL PRIMARY KEY,
    amount DECIMAL(10,2) NOT NULL,
    currency CHAR(3) NOT NULL,
    CONSTRAINT prices_amount_positive CHECK (amount > 0),
    CONSTRAINT prices_currency_iso CHECK (char_length(currency) = 3)
);
-- data
INSERT INTO prices VALUES (1, 10.00, 'EUR'), (2, 0.50, 'USD');
