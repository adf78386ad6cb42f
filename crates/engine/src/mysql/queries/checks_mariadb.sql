-- MariaDB check constraints. Names are unique per table only (a column-level check is named
-- after its column), and the view carries TABLE_NAME itself.
SELECT TABLE_NAME AS table_name,
       CONSTRAINT_NAME AS constraint_name,
       CHECK_CLAUSE AS check_clause
FROM information_schema.CHECK_CONSTRAINTS
WHERE CONSTRAINT_SCHEMA = DATABASE()
ORDER BY TABLE_NAME, CONSTRAINT_NAME
