-- A new table with a primary key, a unique constraint, a check and a default.
-- from
CREATE TABLE customers (
    id integer PRIMARY KEY,
    email varchar(200) NOT NULL
);
-- to
CREATE TABLE customers (
    id integer PRIMARY KEY,
    email varchar(200) NOT NULL
);
CREATE TABLE coupons (
    code varchar(20) PRIMARY KEY,
    percent_off smallint NOT NULL DEFAULT 10,
    issued_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT coupons_percent_range CHECK (percent_off BETWEEN 1 AND 100),
    CONSTRAINT coupons_code_upper UNIQUE (code, percent_off)
);
-- data
INSERT INTO customers VALUES (1, 'ann@example.com'), (2, 'bob@example.com');
