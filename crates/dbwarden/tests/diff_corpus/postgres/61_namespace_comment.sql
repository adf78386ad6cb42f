-- Comments on a schema and on public change.
-- from
CREATE SCHEMA reporting;
CREATE TABLE reporting.daily (day date PRIMARY KEY, visits integer NOT NULL);
-- to
CREATE SCHEMA reporting;
COMMENT ON SCHEMA reporting IS 'Read-only aggregates';
COMMENT ON SCHEMA public IS 'Application tables';
CREATE TABLE reporting.daily (day date PRIMARY KEY, visits integer NOT NULL);
-- data
INSERT INTO reporting.daily VALUES ('2024-01-01', 42);
