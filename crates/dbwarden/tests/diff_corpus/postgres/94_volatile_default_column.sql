-- A column with a volatile default (filled row by row, a rewrite) and a stable one.
-- from
CREATE TABLE uploads (id integer PRIMARY KEY, name text NOT NULL);
-- to
CREATE TABLE uploads (
    id integer PRIMARY KEY,
    name text NOT NULL,
    token uuid NOT NULL DEFAULT gen_random_uuid(),
    uploaded_at timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP
);
-- data
INSERT INTO uploads VALUES (1, 'a.png'), (2, 'b.png');
