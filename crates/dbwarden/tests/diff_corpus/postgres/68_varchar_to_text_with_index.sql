-- varchar becomes text (binary compatible, no rewrite) under an index and a check.
-- from
CREATE TABLE reviews (id integer PRIMARY KEY, body varchar(500) NOT NULL, CONSTRAINT reviews_body_not_blank CHECK (body <> ''));
CREATE INDEX reviews_body_prefix ON reviews (left(body, 20));
-- to
CREATE TABLE reviews (id integer PRIMARY KEY, body text NOT NULL, CONSTRAINT reviews_body_not_blank CHECK (body <> ''));
CREATE INDEX reviews_body_prefix ON reviews (left(body, 20));
-- data
INSERT INTO reviews VALUES (1, 'Great'), (2, 'Meh');
