-- Dependency: a column read by a view (and by a view over it) is dropped.
-- from
CREATE TABLE parcels (id INT NOT NULL PRIMARY KEY, weight_kg DECIMAL(6,2) NOT NULL, fragile TINYINT(1) NOT NULL DEFAULT 0);
CREATE VIEW parcel_summary AS SELECT id, weight_kg, fragile FROM parcels;
CREATE VIEW heavy_parcels AS SELECT id FROM parcel_summary WHERE weight_kg > 20;
-- to
CREATE TABLE parcels (id INT NOT NULL PRIMARY KEY, weight_kg DECIMAL(6,2) NOT NULL);
CREATE VIEW parcel_summary AS SELECT id, weight_kg FROM parcels;
CREATE VIEW heavy_parcels AS SELECT id FROM parcel_summary WHERE weight_kg > 20;
-- data
INSERT INTO parcels VALUES (1, 25.5, 1), (2, 1.0, 0);
