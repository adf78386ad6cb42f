-- A key column stops numbering itself.
-- from
CREATE TABLE shipments (id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY, carrier VARCHAR(20));
-- to
CREATE TABLE shipments (id BIGINT NOT NULL PRIMARY KEY, carrier VARCHAR(20));
-- data
INSERT INTO shipments (carrier) VALUES ('DHL'), ('UPS');
