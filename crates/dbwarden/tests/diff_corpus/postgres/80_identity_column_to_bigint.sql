-- An identity column grows to bigint (its sequence follows).
-- from
CREATE TABLE clicks (id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY, url text NOT NULL);
-- to
CREATE TABLE clicks (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, url text NOT NULL);
-- data
INSERT INTO clicks (url) VALUES ('/a'), ('/b');
