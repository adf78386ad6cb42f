-- expect: prefer-timestamptz, prefer-bigint-pk, prefer-jsonb
CREATE TYPE order_status AS ENUM ('pending', 'paid', 'shipped');

CREATE TABLE orders (
    id serial PRIMARY KEY,
    user_id bigint NOT NULL REFERENCES users (id),
    status order_status NOT NULL DEFAULT 'pending',
    total_cents bigint NOT NULL CHECK (total_cents >= 0),
    metadata json,
    placed_at timestamp NOT NULL
);

CREATE INDEX orders_user_id_idx ON orders (user_id);
ALTER TABLE orders ADD CONSTRAINT orders_total_sane CHECK (total_cents < 100000000);
INSERT INTO orders (user_id, total_cents, placed_at)
SELECT id, 0, now() FROM users WHERE email LIKE '%@example.com';
