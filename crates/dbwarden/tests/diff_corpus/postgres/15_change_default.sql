-- A default changes from one expression to another.
-- from
CREATE TABLE sessions (
    id integer PRIMARY KEY,
    expires_at timestamptz NOT NULL DEFAULT now() + interval '1 hour',
    kind text NOT NULL DEFAULT 'web'
);
-- to
CREATE TABLE sessions (
    id integer PRIMARY KEY,
    expires_at timestamptz NOT NULL DEFAULT now() + interval '1 day',
    kind text NOT NULL DEFAULT 'mobile'
);
-- data
INSERT INTO sessions VALUES (1, '2030-01-01 00:00:00+00', 'web');
