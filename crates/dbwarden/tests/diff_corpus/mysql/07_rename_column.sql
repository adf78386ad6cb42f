-- A column renamed with a hint keeps its values, its unique key and its index.
-- rename: users.mail=email
-- from
CREATE TABLE users (
    id INT NOT NULL PRIMARY KEY,
    mail VARCHAR(120) NOT NULL,
    UNIQUE KEY users_mail_key (mail),
    KEY users_mail_idx (mail DESC)
);
-- to
CREATE TABLE users (
    id INT NOT NULL PRIMARY KEY,
    email VARCHAR(120) NOT NULL,
    UNIQUE KEY users_mail_key (email),
    KEY users_mail_idx (email DESC)
);
-- data
INSERT INTO users VALUES (1, 'a@example.com'), (2, 'b@example.com');
