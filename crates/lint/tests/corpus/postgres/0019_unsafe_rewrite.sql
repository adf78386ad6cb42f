-- expect: add-column-volatile-default, alter-column-type, missing-lock-timeout, missing-statement-timeout, require-concurrent-index
ALTER TABLE payments ADD COLUMN reference uuid NOT NULL DEFAULT gen_random_uuid();
CREATE INDEX payments_reference_idx ON payments (reference);
ALTER TABLE payments ALTER COLUMN amount TYPE numeric(14, 2) USING amount::numeric / 100;
