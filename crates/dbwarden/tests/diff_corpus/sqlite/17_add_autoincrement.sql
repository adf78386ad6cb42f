-- An integer key starts using AUTOINCREMENT (numbers never reused).
-- from
CREATE TABLE tags (id INTEGER PRIMARY KEY, label TEXT NOT NULL);
-- to
CREATE TABLE tags (id INTEGER PRIMARY KEY AUTOINCREMENT, label TEXT NOT NULL);
-- data
INSERT INTO tags VALUES (1, 'red'), (2, 'blue');
