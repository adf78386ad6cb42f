-- A column renamed with a hint keeps its values, its unique constraint and its index.
-- rename: users.mail=email
-- from
CREATE TABLE users (
    id integer PRIMARY KEY,
    mail text NOT NULL,
    CONSTRAINT users_mail_key UNIQUE (mail)
);
CREATE INDEX users_mail_idx ON users (mail DESC);
-- to
CREATE TABLE users (
    id integer PRIMARY KEY,
    email text NOT NULL,
    CONSTRAINT users_mail_key UNIQUE (email)
);
CREATE INDEX users_mail_idx ON users (email DESC);
-- data
INSERT INTO users VALUES (1, 'a@example.com'), (2, 'b@example.com');
