-- expect: sqlite-alter-needs-rebuild, add-column-not-null-without-default, drop-column, schema-change-with-backfill
ALTER TABLE notes ADD COLUMN title TEXT;
ALTER TABLE notes ADD COLUMN pinned INTEGER NOT NULL;
ALTER TABLE notes ALTER COLUMN body SET NOT NULL;
ALTER TABLE notes DROP COLUMN legacy;
UPDATE notes SET title = substr(body, 1, 40) WHERE title IS NULL;
