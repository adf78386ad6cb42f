-- Destructive: a table goes away (the down script brings back its shape, not its rows).
-- from
CREATE TABLE customers (id INTEGER PRIMARY KEY, email TEXT NOT NULL);
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    happened_at TEXT NOT NULL DEFAULT (datetime('now')),
    message TEXT
);
CREATE INDEX audit_log_time ON audit_log (happened_at);
-- to
CREATE TABLE customers (id INTEGER PRIMARY KEY, email TEXT NOT NULL);
-- data
INSERT INTO customers VALUES (1, 'a@example.com');
INSERT INTO audit_log (message) VALUES ('started'), ('stopped');
