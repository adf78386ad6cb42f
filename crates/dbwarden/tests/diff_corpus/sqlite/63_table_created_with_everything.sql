-- A new table with every kind of part SQLite keeps.
-- from
CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL);
-- to
CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL);
CREATE TABLE api_keys (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    label TEXT COLLATE NOCASE NOT NULL DEFAULT 'default',
    secret BLOB NOT NULL,
    created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
    label_length INTEGER GENERATED ALWAYS AS (length(label)) VIRTUAL,
    CONSTRAINT api_keys_label_unique UNIQUE (user_id, label),
    CHECK (length(secret) >= 16)
);
CREATE INDEX api_keys_recent ON api_keys (created_at DESC) WHERE label <> 'default';
CREATE VIEW key_counts AS SELECT user_id, count(*) AS n FROM api_keys GROUP BY user_id;
-- data
INSERT INTO users VALUES (1, 'a@example.com');
