-- A foreign key that sets a default on delete, on a column that gets the default.
-- from
CREATE TABLE statuses (id INTEGER PRIMARY KEY, label TEXT NOT NULL);
CREATE TABLE tickets (id INTEGER PRIMARY KEY, status_id INTEGER NOT NULL);
-- to
CREATE TABLE statuses (id INTEGER PRIMARY KEY, label TEXT NOT NULL);
CREATE TABLE tickets (id INTEGER PRIMARY KEY, status_id INTEGER NOT NULL DEFAULT 1 REFERENCES statuses (id) ON DELETE SET DEFAULT);
-- data
INSERT INTO statuses VALUES (1, 'new'), (2, 'closed');
INSERT INTO tickets VALUES (1, 1), (2, 2);
