-- expect: rename-column
SET SESSION lock_wait_timeout = 5;
ALTER TABLE orders ADD COLUMN gift_note VARCHAR(500) NULL, ALGORITHM=INSTANT;
ALTER TABLE orders ADD INDEX orders_placed_at (placed_at), ALGORITHM=INPLACE, LOCK=NONE;
ALTER TABLE orders RENAME COLUMN note TO internal_note;
