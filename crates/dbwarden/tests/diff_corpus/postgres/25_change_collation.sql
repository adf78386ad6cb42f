-- A column's collation changes (its indexes are rebuilt).
-- from
CREATE TABLE words (id integer PRIMARY KEY, word text NOT NULL);
CREATE INDEX words_word ON words (word);
-- to
CREATE TABLE words (id integer PRIMARY KEY, word text COLLATE "C" NOT NULL);
CREATE INDEX words_word ON words (word);
-- data
INSERT INTO words VALUES (1, 'apple'), (2, 'Banana'), (3, 'cherry');
