-- Dependency: a table read by views is rebuilt (renaming the copy fails while a view names a
-- missing table), so its views go and come back.
-- from
CREATE TABLE parcels (id INTEGER PRIMARY KEY, weight_kg REAL NOT NULL, fragile INTEGER NOT NULL DEFAULT 0);
CREATE VIEW parcel_summary AS SELECT id, weight_kg, fragile FROM parcels;
CREATE VIEW heavy_parcels AS SELECT id FROM parcel_summary WHERE weight_kg > 20;
-- to
CREATE TABLE parcels (id INTEGER PRIMARY KEY, weight_kg REAL NOT NULL CHECK (weight_kg > 0), fragile INTEGER NOT NULL DEFAULT 0);
CREATE VIEW parcel_summary AS SELECT id, weight_kg, fragile FROM parcels;
CREATE VIEW heavy_parcels AS SELECT id FROM parcel_summary WHERE weight_kg > 20;
-- data
INSERT INTO parcels VALUES (1, 25.5, 1), (2, 1.0, 0);
