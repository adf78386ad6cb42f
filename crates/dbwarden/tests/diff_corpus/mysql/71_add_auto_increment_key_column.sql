-- A table without a key gets an AUTO_INCREMENT primary key column (which must be a key the
-- moment it is added).
-- from
CREATE TABLE imports (line VARCHAR(200) NOT NULL);
-- to
CREATE TABLE imports (id BIGINT NOT NULL AUTO_INCREMENT, line VARCHAR(200) NOT NULL, PRIMARY KEY (id));
-- data
INSERT INTO imports VALUES ('first'), ('second');
