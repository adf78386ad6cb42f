-- A new table with a primary key, a unique constraint, a check and defaults.
-- from
CREATE TABLE customers (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL
);
-- to
CREATE TABLE customers (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL
);
CREATE TABLE coupons (
    code TEXT PRIMARY KEY,
    percent_off INTEGER NOT NULL DEFAULT 10,
    issued_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT coupons_percent_range CHECK (percent_off BETWEEN 1 AND 100),
    CONSTRAINT coupons_code_percent UNIQUE (code, percent_off)
);
-- data
INSERT INTO customers VALUES (1, 'ann@example.com'), (2, 'bob@example.com');
