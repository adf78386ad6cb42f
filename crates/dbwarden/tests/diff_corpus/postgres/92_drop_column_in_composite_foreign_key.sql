-- Destructive: a composite foreign key becomes a single-column one after a column goes. (The
-- dropped column is the last one: PostgreSQL can only add a column at the end, so the down
-- script could not put back a column dropped from the middle.)
-- from
CREATE TABLE regions (country text NOT NULL, code text NOT NULL, CONSTRAINT regions_pkey PRIMARY KEY (country, code), CONSTRAINT regions_code_key UNIQUE (code));
CREATE TABLE offices (id integer PRIMARY KEY, region_code text, country text, CONSTRAINT offices_region_fk FOREIGN KEY (country, region_code) REFERENCES regions (country, code));
-- to
CREATE TABLE regions (country text NOT NULL, code text NOT NULL, CONSTRAINT regions_pkey PRIMARY KEY (country, code), CONSTRAINT regions_code_key UNIQUE (code));
CREATE TABLE offices (id integer PRIMARY KEY, region_code text, CONSTRAINT offices_region_fk FOREIGN KEY (region_code) REFERENCES regions (code));
-- data
INSERT INTO regions VALUES ('FR', 'IDF'), ('PT', 'LIS');
INSERT INTO offices VALUES (1, 'IDF', 'FR'), (2, NULL, NULL);
