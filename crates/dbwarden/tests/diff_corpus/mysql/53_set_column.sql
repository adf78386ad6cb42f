-- A SET column is added and another gets a new member.
-- from
CREATE TABLE hotels (id INT NOT NULL PRIMARY KEY, amenities SET('wifi', 'pool') NOT NULL DEFAULT '');
-- to
CREATE TABLE hotels (
    id INT NOT NULL PRIMARY KEY,
    amenities SET('wifi', 'pool', 'gym') NOT NULL DEFAULT '',
    languages SET('en', 'fr', 'pt') DEFAULT 'en'
);
-- data
INSERT INTO hotels VALUES (1, 'wifi,pool'), (2, '');
