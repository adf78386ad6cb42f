-- A renamed column appears in a check, a generated column and a partial index predicate
-- (SQLite rewrites them all).
-- rename: tasks.done=completed
-- from
CREATE TABLE tasks (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    done INTEGER NOT NULL DEFAULT 0 CHECK (done IN (0, 1)),
    status TEXT GENERATED ALWAYS AS (CASE WHEN done THEN 'closed' ELSE 'open' END) VIRTUAL
);
CREATE INDEX tasks_open ON tasks (title) WHERE done = 0;
-- to
CREATE TABLE tasks (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    completed INTEGER NOT NULL DEFAULT 0 CHECK (completed IN (0, 1)),
    status TEXT GENERATED ALWAYS AS (CASE WHEN completed THEN 'closed' ELSE 'open' END) VIRTUAL
);
CREATE INDEX tasks_open ON tasks (title) WHERE completed = 0;
-- data
INSERT INTO tasks (id, title, done) VALUES (1, 'write', 1), (2, 'test', 0);
