-- A table without a key gets a composite one.
-- from
CREATE TABLE page_views (page TEXT NOT NULL, viewed_on TEXT NOT NULL, views INTEGER NOT NULL);
-- to
CREATE TABLE page_views (page TEXT NOT NULL, viewed_on TEXT NOT NULL, views INTEGER NOT NULL, PRIMARY KEY (page, viewed_on));
-- data
INSERT INTO page_views VALUES ('/', '2024-01-01', 10), ('/about', '2024-01-01', 2);
