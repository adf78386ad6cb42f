-- Dependency: a column read by a view (and by a view over it) is dropped.
-- from
CREATE TABLE parcels (id integer PRIMARY KEY, weight_kg numeric(6,2) NOT NULL, fragile boolean NOT NULL DEFAULT false);
CREATE VIEW parcel_summary AS SELECT id, weight_kg, fragile FROM parcels;
CREATE VIEW heavy_parcels AS SELECT id FROM parcel_summary WHERE weight_kg > 20;
-- to
CREATE TABLE parcels (id integer PRIMARY KEY, weight_kg numeric(6,2) NOT NULL);
CREATE VIEW parcel_summary AS SELECT id, weight_kg FROM parcels;
CREATE VIEW heavy_parcels AS SELECT id FROM parcel_summary WHERE weight_kg > 20;
-- data
INSERT INTO parcels VALUES (1, 25.5, true), (2, 1.0, false);
