-- expect:
CREATE DOMAIN country_code AS text CHECK (VALUE ~ '^[A-Z]{2}$');
ALTER DOMAIN country_code SET NOT NULL;
ALTER DOMAIN money_cents ADD CONSTRAINT money_cents_below_limit CHECK (VALUE < 100000000) NOT VALID;
ALTER DOMAIN money_cents DROP CONSTRAINT IF EXISTS money_cents_positive;
