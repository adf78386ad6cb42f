-- A table without a key gets one.
-- from
CREATE TABLE page_views (page text NOT NULL, viewed_on date NOT NULL, views integer NOT NULL);
-- to
CREATE TABLE page_views (
    page text NOT NULL,
    viewed_on date NOT NULL,
    views integer NOT NULL,
    CONSTRAINT page_views_pkey PRIMARY KEY (page, viewed_on)
);
-- data
INSERT INTO page_views VALUES ('/', '2024-01-01', 10), ('/about', '2024-01-01', 2);
