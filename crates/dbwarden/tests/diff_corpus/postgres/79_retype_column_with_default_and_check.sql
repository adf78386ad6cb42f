-- A column with a default and a check changes type (the default is dropped and set again).
-- from
CREATE TABLE counters (id integer PRIMARY KEY, hits integer NOT NULL DEFAULT 0 CONSTRAINT counters_hits_positive CHECK (hits >= 0));
-- to
CREATE TABLE counters (id integer PRIMARY KEY, hits bigint NOT NULL DEFAULT 0 CONSTRAINT counters_hits_positive CHECK (hits >= 0));
-- data
INSERT INTO counters VALUES (1, 10), (2, 0);
