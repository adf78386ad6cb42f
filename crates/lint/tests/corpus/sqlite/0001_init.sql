-- expect:
PRAGMA foreign_keys = ON;
CREATE TABLE IF NOT EXISTS notes (
    id INTEGER PRIMARY KEY,
    body TEXT NOT NULL,
    created_at TEXT NOT NULL DEFAULT (datetime('now'))
);
CREATE INDEX IF NOT EXISTS notes_created_at ON notes (created_at);
CREATE TRIGGER notes_touch AFTER UPDATE ON notes
BEGIN
    UPDATE notes SET created_at = created_at WHERE id = NEW.id;
END;
