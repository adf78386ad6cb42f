-- An ENUM value no row uses is removed.
-- from
CREATE TABLE shirts (id INT NOT NULL PRIMARY KEY, size ENUM('small', 'medium', 'large', 'huge') NOT NULL DEFAULT 'medium');
-- to
CREATE TABLE shirts (id INT NOT NULL PRIMARY KEY, size ENUM('small', 'medium', 'large') NOT NULL DEFAULT 'medium');
-- data
INSERT INTO shirts VALUES (1, 'small'), (2, 'large');
