-- A single-column key becomes a composite one.
-- from
CREATE TABLE memberships (user_id INT NOT NULL, group_id INT NOT NULL, role VARCHAR(10) NOT NULL DEFAULT 'member', PRIMARY KEY (user_id));
-- to
CREATE TABLE memberships (user_id INT NOT NULL, group_id INT NOT NULL, role VARCHAR(10) NOT NULL DEFAULT 'member', PRIMARY KEY (user_id, group_id));
-- data
INSERT INTO memberships VALUES (1, 10, 'owner'), (2, 10, 'member');
