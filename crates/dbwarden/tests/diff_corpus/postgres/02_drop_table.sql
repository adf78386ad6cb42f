-- Destructive: a table goes away (the down script brings back its shape, not its rows).
-- from
CREATE TABLE customers (id integer PRIMARY KEY, email text NOT NULL);
CREATE TABLE audit_log (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    happened_at timestamptz NOT NULL DEFAULT now(),
    message text
);
CREATE INDEX audit_log_time ON audit_log (happened_at);
-- to
CREATE TABLE customers (id integer PRIMARY KEY, email text NOT NULL);
-- data
INSERT INTO customers VALUES (1, 'a@example.com');
INSERT INTO audit_log (message) VALUES ('started'), ('stopped');
