-- A column becomes case-insensitive; its index follows.
-- from
CREATE TABLE words (id INTEGER PRIMARY KEY, word TEXT NOT NULL);
CREATE INDEX words_word ON words (word);
-- to
CREATE TABLE words (id INTEGER PRIMARY KEY, word TEXT COLLATE NOCASE NOT NULL);
CREATE INDEX words_word ON words (word);
-- data
INSERT INTO words VALUES (1, 'apple'), (2, 'Banana'), (3, 'cherry');
