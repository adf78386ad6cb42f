-- The primary key of a table with an AUTO_INCREMENT column gains a new column.
-- from
CREATE TABLE events (id BIGINT NOT NULL AUTO_INCREMENT, name VARCHAR(40) NOT NULL, PRIMARY KEY (id));
-- to
CREATE TABLE events (id BIGINT NOT NULL AUTO_INCREMENT, name VARCHAR(40) NOT NULL, tenant INT NOT NULL DEFAULT 1, PRIMARY KEY (id, tenant));
-- data
INSERT INTO events (name) VALUES ('a'), ('b');
