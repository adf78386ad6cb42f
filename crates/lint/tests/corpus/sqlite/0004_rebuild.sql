-- expect: drop-table
PRAGMA foreign_keys = OFF;
CREATE TABLE notes_new (
    id INTEGER PRIMARY KEY,
    body TEXT NOT NULL,
    pinned INTEGER NOT NULL DEFAULT 0 CHECK (pinned IN (0, 1)),
    updated_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
);
INSERT INTO notes_new (id, body, updated_at) SELECT id, body, updated_at FROM notes;
DROP TABLE notes;
ALTER TABLE notes_new RENAME TO notes;
PRAGMA foreign_keys = ON;
