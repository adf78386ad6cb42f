-- Dependency: the referenced key and the referencing column both grow to bigint.
-- from
CREATE TABLE warehouses (id integer PRIMARY KEY, city text NOT NULL);
CREATE TABLE stock (
    warehouse_id integer NOT NULL REFERENCES warehouses (id),
    sku text NOT NULL,
    quantity integer NOT NULL DEFAULT 0,
    PRIMARY KEY (warehouse_id, sku)
);
-- to
CREATE TABLE warehouses (id bigint PRIMARY KEY, city text NOT NULL);
CREATE TABLE stock (
    warehouse_id bigint NOT NULL REFERENCES warehouses (id),
    sku text NOT NULL,
    quantity integer NOT NULL DEFAULT 0,
    PRIMARY KEY (warehouse_id, sku)
);
-- data
INSERT INTO warehouses VALUES (1, 'Lyon'), (2, 'Porto');
INSERT INTO stock VALUES (1, 'A-1', 10), (2, 'A-1', 4), (2, 'B-7', 0);
