-- Indexes on a prefix of a long string: a plain one and a unique one.
-- from
CREATE TABLE documents (id INT NOT NULL PRIMARY KEY, title VARCHAR(500) NOT NULL, body TEXT);
-- to
CREATE TABLE documents (
    id INT NOT NULL PRIMARY KEY,
    title VARCHAR(500) NOT NULL,
    body TEXT,
    KEY documents_body_start (body(40)),
    UNIQUE KEY documents_title_start (title(100))
);
-- data
INSERT INTO documents VALUES (1, 'On computable numbers', 'We may compare a man...'), (2, 'Notes', NULL);
