-- A column's collation changes (its index follows).
-- from
CREATE TABLE words (id INT NOT NULL PRIMARY KEY, word VARCHAR(60) NOT NULL, KEY words_word (word));
-- to
CREATE TABLE words (id INT NOT NULL PRIMARY KEY, word VARCHAR(60) COLLATE utf8mb4_bin NOT NULL, KEY words_word (word));
-- data
INSERT INTO words VALUES (1, 'apple'), (2, 'Banana'), (3, 'cherry');
