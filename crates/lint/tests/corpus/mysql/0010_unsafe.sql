-- expect: drop-column, missing-lock-timeout, mysql-alter-without-algorithm-lock
ALTER TABLE orders MODIFY COLUMN status VARCHAR(32) NOT NULL;
ALTER TABLE orders ENGINE=InnoDB;
ALTER TABLE orders DROP COLUMN legacy_code, ALGORITHM=INSTANT;
