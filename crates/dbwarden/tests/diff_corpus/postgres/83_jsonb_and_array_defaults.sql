-- jsonb and array columns with defaults are added and changed.
-- from
CREATE TABLE profiles (id integer PRIMARY KEY, prefs jsonb NOT NULL DEFAULT '{}'::jsonb);
-- to
CREATE TABLE profiles (
    id integer PRIMARY KEY,
    prefs jsonb NOT NULL DEFAULT '{"theme": "light"}'::jsonb,
    roles text[] NOT NULL DEFAULT ARRAY['reader']::text[]
);
-- data
INSERT INTO profiles VALUES (1, '{"theme": "dark"}'), (2, '{}');
