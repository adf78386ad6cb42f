-- Checks on an existing table, one named and one not (a rebuild).
-- from
CREATE TABLE prices (id INTEGER PRIMARY KEY, amount REAL NOT NULL, currency TEXT NOT NULL);
-- to
CREATE TABLE prices (
    id INTEGER PRIMARY KEY,
    amount REAL NOT NULL CHECK (amount > 0),
    currency TEXT NOT NULL,
    CONSTRAINT prices_currency_iso CHECK (length(currency) = 3)
);
-- data
INSERT INTO prices VALUES (1, 10.0, 'EUR'), (2, 0.5, 'USD');
