-- expect: mysql-alter-without-algorithm-lock
SET SESSION lock_wait_timeout = 5;
ALTER TABLE customers CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_0900_ai_ci;
ALTER TABLE customers DEFAULT CHARACTER SET = utf8mb4;
