-- A stored generated column is added and indexed.
-- from
CREATE TABLE people (id INT NOT NULL PRIMARY KEY, first_name VARCHAR(40) NOT NULL, last_name VARCHAR(40) NOT NULL);
-- to
CREATE TABLE people (
    id INT NOT NULL PRIMARY KEY,
    first_name VARCHAR(40) NOT NULL,
    last_name VARCHAR(40) NOT NULL,
    full_name VARCHAR(81) AS (concat(first_name, ' ', last_name)) STORED,
    KEY people_full_name (full_name)
);
-- data
INSERT INTO people (id, first_name, last_name) VALUES (1, 'Ada', 'Lovelace'), (2, 'Alan', 'Turing');
