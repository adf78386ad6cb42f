-- Destructive: two tables that reference each other go together.
-- from
CREATE TABLE kept (id INT NOT NULL PRIMARY KEY);
CREATE TABLE a (id INT NOT NULL PRIMARY KEY, b_id INT);
CREATE TABLE b (id INT NOT NULL PRIMARY KEY, a_id INT, CONSTRAINT b_a_fk FOREIGN KEY (a_id) REFERENCES a (id));
ALTER TABLE a ADD CONSTRAINT a_b_fk FOREIGN KEY (b_id) REFERENCES b (id);
-- to
CREATE TABLE kept (id INT NOT NULL PRIMARY KEY);
-- data
INSERT INTO kept VALUES (1);
