-- Dependency: a table other tables reference is rebuilt; their rows stay and still match.
-- from
CREATE TABLE customers (id INTEGER PRIMARY KEY, email TEXT NOT NULL);
CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE);
-- to
CREATE TABLE customers (id INTEGER PRIMARY KEY, email TEXT NOT NULL COLLATE NOCASE, CONSTRAINT customers_email_key UNIQUE (email));
CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE);
-- data
INSERT INTO customers VALUES (1, 'ann@example.com'), (2, 'bob@example.com');
INSERT INTO orders VALUES (10, 1), (11, 2), (12, 2);
