-- A serial column: its sequence is created, owned by the column, and numbers existing rows.
-- from
CREATE TABLE guests (name text PRIMARY KEY);
-- to
CREATE TABLE guests (name text PRIMARY KEY, guest_no serial NOT NULL);
-- data
INSERT INTO guests VALUES ('Ann'), ('Bob');
