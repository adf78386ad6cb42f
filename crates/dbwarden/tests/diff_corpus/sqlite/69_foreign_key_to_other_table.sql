-- A foreign key is pointed at another table.
-- from
CREATE TABLE old_users (id INTEGER PRIMARY KEY);
CREATE TABLE users (id INTEGER PRIMARY KEY);
CREATE TABLE comments (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES old_users (id));
-- to
CREATE TABLE old_users (id INTEGER PRIMARY KEY);
CREATE TABLE users (id INTEGER PRIMARY KEY);
CREATE TABLE comments (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users (id));
-- data
INSERT INTO old_users VALUES (1), (2);
INSERT INTO users VALUES (1), (2);
INSERT INTO comments VALUES (1, 1), (2, 2);
