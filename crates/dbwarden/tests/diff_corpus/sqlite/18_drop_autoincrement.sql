-- An integer key stops using AUTOINCREMENT.
-- from
CREATE TABLE shipments (id INTEGER PRIMARY KEY AUTOINCREMENT, carrier TEXT);
-- to
CREATE TABLE shipments (id INTEGER PRIMARY KEY, carrier TEXT);
-- data
INSERT INTO shipments (carrier) VALUES ('DHL'), ('UPS');
