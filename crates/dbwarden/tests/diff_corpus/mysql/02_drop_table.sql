-- Destructive: a table goes away (the down script brings back its shape, not its rows).
-- from
CREATE TABLE customers (id INT NOT NULL PRIMARY KEY, email VARCHAR(100) NOT NULL);
CREATE TABLE audit_log (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    happened_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    message TEXT,
    KEY audit_log_time (happened_at)
);
-- to
CREATE TABLE customers (id INT NOT NULL PRIMARY KEY, email VARCHAR(100) NOT NULL);
-- data
INSERT INTO customers VALUES (1, 'a@example.com');
INSERT INTO audit_log (message) VALUES ('started'), ('stopped');
