-- A table without a key gets one.
-- from
CREATE TABLE page_views (page VARCHAR(100) NOT NULL, viewed_on DATE NOT NULL, views INT NOT NULL);
-- to
CREATE TABLE page_views (page VARCHAR(100) NOT NULL, viewed_on DATE NOT NULL, views INT NOT NULL, PRIMARY KEY (page, viewed_on));
-- data
INSERT INTO page_views VALUES ('/', '2024-01-01', 10), ('/about', '2024-01-01', 2);
