-- expect: domain-constraint-scan
SET LOCAL lock_timeout = '5s';
ALTER DOMAIN money_cents ADD CONSTRAINT money_cents_nonnegative CHECK (VALUE >= 0);
ALTER DOMAIN email_address SET NOT NULL;
