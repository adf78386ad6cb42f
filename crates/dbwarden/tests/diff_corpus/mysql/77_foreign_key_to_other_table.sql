-- A foreign key is pointed at another table.
-- from
CREATE TABLE old_users (id INT NOT NULL PRIMARY KEY);
CREATE TABLE users (id INT NOT NULL PRIMARY KEY);
CREATE TABLE comments (id INT NOT NULL PRIMARY KEY, user_id INT, CONSTRAINT comments_user_fk FOREIGN KEY (user_id) REFERENCES old_users (id));
-- to
CREATE TABLE old_users (id INT NOT NULL PRIMARY KEY);
CREATE TABLE users (id INT NOT NULL PRIMARY KEY);
CREATE TABLE comments (id INT NOT NULL PRIMARY KEY, user_id INT, CONSTRAINT comments_user_fk FOREIGN KEY (user_id) REFERENCES users (id));
-- data
INSERT INTO old_users VALUES (1), (2);
INSERT INTO users VALUES (1), (2);
INSERT INTO comments VALUES (1, 1), (2, 2);
