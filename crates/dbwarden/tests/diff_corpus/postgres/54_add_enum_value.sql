-- Enum labels are added in place, one of them between two existing ones.
-- from
CREATE TYPE order_status AS ENUM ('pending', 'shipped');
CREATE TABLE orders (id integer PRIMARY KEY, status order_status NOT NULL DEFAULT 'pending');
-- to
CREATE TYPE order_status AS ENUM ('pending', 'paid', 'shipped', 'refunded');
CREATE TABLE orders (id integer PRIMARY KEY, status order_status NOT NULL DEFAULT 'pending');
-- data
INSERT INTO orders VALUES (1, 'pending'), (2, 'shipped');
