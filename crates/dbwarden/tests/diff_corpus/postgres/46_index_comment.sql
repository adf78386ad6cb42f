-- An index comment.
-- from
CREATE TABLE leads (id integer PRIMARY KEY, source text);
CREATE INDEX leads_source ON leads (source);
-- to
CREATE TABLE leads (id integer PRIMARY KEY, source text);
CREATE INDEX leads_source ON leads (source);
COMMENT ON INDEX leads_source IS 'For the marketing dashboard';
-- data
INSERT INTO leads VALUES (1, 'ads');
