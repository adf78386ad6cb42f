-- A foreign key that sets a default on delete, on a column that gets the default.
-- from
CREATE TABLE statuses (id integer PRIMARY KEY, label text NOT NULL);
CREATE TABLE tickets (id integer PRIMARY KEY, status_id integer NOT NULL);
-- to
CREATE TABLE statuses (id integer PRIMARY KEY, label text NOT NULL);
CREATE TABLE tickets (
    id integer PRIMARY KEY,
    status_id integer NOT NULL DEFAULT 1,
    CONSTRAINT tickets_status_fk FOREIGN KEY (status_id) REFERENCES statuses (id) ON DELETE SET DEFAULT
);
-- data
INSERT INTO statuses VALUES (1, 'new'), (2, 'closed');
INSERT INTO tickets VALUES (1, 1), (2, 2);
