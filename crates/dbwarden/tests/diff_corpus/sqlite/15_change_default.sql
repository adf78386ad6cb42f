-- Defaults change: a literal and an expression.
-- from
CREATE TABLE sessions (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL DEFAULT 'web',
    expires_at TEXT NOT NULL DEFAULT (datetime('now', '+1 hour'))
);
-- to
CREATE TABLE sessions (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL DEFAULT 'mobile',
    expires_at TEXT NOT NULL DEFAULT (datetime('now', '+1 day'))
);
-- data
INSERT INTO sessions VALUES (1, 'web', '2030-01-01 00:00:00');
