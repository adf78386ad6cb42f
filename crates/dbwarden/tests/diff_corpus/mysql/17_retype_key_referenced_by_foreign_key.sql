-- Dependency: the referenced key and the referencing column both grow to BIGINT.
-- from
CREATE TABLE warehouses (id INT NOT NULL PRIMARY KEY, city VARCHAR(60) NOT NULL);
CREATE TABLE stock (
    warehouse_id INT NOT NULL,
    sku VARCHAR(20) NOT NULL,
    quantity INT NOT NULL DEFAULT 0,
    PRIMARY KEY (warehouse_id, sku),
    CONSTRAINT stock_warehouse_fk FOREIGN KEY (warehouse_id) REFERENCES warehouses (id)
);
-- to
CREATE TABLE warehouses (id BIGINT NOT NULL PRIMARY KEY, city VARCHAR(60) NOT NULL);
CREATE TABLE stock (
    warehouse_id BIGINT NOT NULL,
    sku VARCHAR(20) NOT NULL,
    quantity INT NOT NULL DEFAULT 0,
    PRIMARY KEY (warehouse_id, sku),
    CONSTRAINT stock_warehouse_fk FOREIGN KEY (warehouse_id) REFERENCES warehouses (id)
);
-- data
INSERT INTO warehouses VALUES (1, 'Lyon'), (2, 'Porto');
INSERT INTO stock VALUES (1, 'A-1', 10), (2, 'A-1', 4), (2, 'B-7', 0);
