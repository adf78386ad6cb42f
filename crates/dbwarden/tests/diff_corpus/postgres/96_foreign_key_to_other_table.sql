-- A foreign key is pointed at another table (dropped and added under the same name).
-- from
CREATE TABLE old_users (id integer PRIMARY KEY);
CREATE TABLE users (id integer PRIMARY KEY);
CREATE TABLE comments (id integer PRIMARY KEY, user_id integer CONSTRAINT comments_user_fk REFERENCES old_users (id));
-- to
CREATE TABLE old_users (id integer PRIMARY KEY);
CREATE TABLE users (id integer PRIMARY KEY);
CREATE TABLE comments (id integer PRIMARY KEY, user_id integer CONSTRAINT comments_user_fk REFERENCES users (id));
-- data
INSERT INTO old_users VALUES (1), (2);
INSERT INTO users VALUES (1), (2);
INSERT INTO comments VALUES (1, 1), (2, 2);
