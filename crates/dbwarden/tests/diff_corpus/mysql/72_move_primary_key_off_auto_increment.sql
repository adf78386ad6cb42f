-- The primary key moves off an AUTO_INCREMENT column, which stops numbering itself.
-- from
CREATE TABLE devices (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY, serial VARCHAR(20) NOT NULL);
-- to
CREATE TABLE devices (id INT NOT NULL, serial VARCHAR(20) NOT NULL, PRIMARY KEY (serial));
-- data
INSERT INTO devices (serial) VALUES ('SN-1'), ('SN-2');
