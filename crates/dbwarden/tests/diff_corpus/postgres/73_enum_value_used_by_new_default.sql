-- A new enum label becomes a column's default in the same migration.
-- from
CREATE TYPE plan_tier AS ENUM ('free', 'pro');
CREATE TABLE subscriptions (id integer PRIMARY KEY, tier plan_tier NOT NULL DEFAULT 'free');
-- to
CREATE TYPE plan_tier AS ENUM ('trial', 'free', 'pro');
CREATE TABLE subscriptions (id integer PRIMARY KEY, tier plan_tier NOT NULL DEFAULT 'trial');
-- data
INSERT INTO subscriptions VALUES (1, 'free'), (2, 'pro');
