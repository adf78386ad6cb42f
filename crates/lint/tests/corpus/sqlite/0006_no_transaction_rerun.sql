-- expect: not-rerunnable-in-no-transaction
-- dbwarden:no-transaction
ALTER TABLE notes ADD COLUMN archived_at TEXT;
DROP INDEX notes_legacy_idx;
DROP VIEW IF EXISTS notes_summary;
