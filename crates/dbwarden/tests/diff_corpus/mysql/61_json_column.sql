-- A JSON column (MariaDB stores it as longtext with a json_valid check).
-- from
CREATE TABLE profiles (id INT NOT NULL PRIMARY KEY, name VARCHAR(40) NOT NULL);
-- to
CREATE TABLE profiles (id INT NOT NULL PRIMARY KEY, name VARCHAR(40) NOT NULL, prefs JSON);
-- data
INSERT INTO profiles VALUES (1, 'Ann'), (2, 'Bob');
