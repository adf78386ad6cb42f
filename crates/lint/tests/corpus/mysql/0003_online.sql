-- expect:
SET SESSION lock_wait_timeout = 5;
ALTER TABLE customers ADD COLUMN plan varchar(20) NOT NULL DEFAULT 'free', ALGORITHM=INSTANT;
CREATE INDEX customers_plan ON customers (plan) ALGORITHM=INPLACE LOCK=NONE;
ALTER TABLE customers ALTER COLUMN plan SET DEFAULT 'trial';
