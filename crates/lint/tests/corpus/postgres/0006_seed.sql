-- expect:
INSERT INTO users (email, display_name) VALUES
    ('ada@example.com', 'Ada'),
    ('grace@example.com', 'Grace; the admiral'),
    ('linus@example.com', $$Linus 'the' penguin$$);
INSERT INTO orders (user_id, total_cents, placed_at) VALUES (1, 1250, '2024-01-01T00:00:00Z');
SELECT setval(pg_get_serial_sequence('orders', 'id'), (SELECT max(id) FROM orders));
