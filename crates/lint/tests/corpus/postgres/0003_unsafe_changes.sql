-- expect: require-concurrent-index, missing-lock-timeout, set-not-null, add-column-volatile-default, add-foreign-key-without-not-valid, schema-change-with-backfill, update-without-where, missing-statement-timeout
ALTER TABLE users ADD COLUMN public_id uuid DEFAULT gen_random_uuid();
CREATE INDEX users_created_at_idx ON users (created_at);
ALTER TABLE orders ALTER COLUMN placed_at SET NOT NULL;
ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id);
UPDATE users SET display_name = email;
