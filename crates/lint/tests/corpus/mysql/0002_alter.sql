-- expect: mysql-alter-without-algorithm-lock, missing-lock-timeout, rename-column, truncate, add-column-identity-or-serial-to-existing-table, prefer-bigint-pk
ALTER TABLE customers MODIFY COLUMN email varchar(500) NOT NULL;
ALTER TABLE customers ADD COLUMN nickname varchar(50), ALGORITHM=INSTANT;
ALTER TABLE customers RENAME COLUMN nickname TO handle;
ALTER TABLE legacy ADD COLUMN seq int AUTO_INCREMENT UNIQUE, ALGORITHM=INPLACE, LOCK=NONE;
TRUNCATE TABLE import_staging;
