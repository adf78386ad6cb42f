-- An index comment.
-- from
CREATE TABLE leads (id INT NOT NULL PRIMARY KEY, source VARCHAR(40), KEY leads_source (source));
-- to
CREATE TABLE leads (id INT NOT NULL PRIMARY KEY, source VARCHAR(40), KEY leads_source (source) COMMENT 'For the marketing dashboard');
-- data
INSERT INTO leads VALUES (1, 'ads');
