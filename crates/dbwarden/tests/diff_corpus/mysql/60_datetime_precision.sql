-- Temporal columns get fractional seconds and a current-timestamp default.
-- from
CREATE TABLE audits (id INT NOT NULL PRIMARY KEY, at DATETIME NOT NULL, seen TIMESTAMP NULL);
-- to
CREATE TABLE audits (id INT NOT NULL PRIMARY KEY, at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), seen TIMESTAMP(6) NULL);
-- data
INSERT INTO audits VALUES (1, '2024-01-01 10:00:00', NULL), (2, '2024-01-02 11:00:00', '2024-01-02 11:00:01');
