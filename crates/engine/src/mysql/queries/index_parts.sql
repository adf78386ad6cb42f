-- Index key parts, one row per part in key order. MariaDB and MySQL before 8.0.13 have no
-- functional key parts, hence no EXPRESSION column.
SELECT TABLE_NAME AS table_name,
       INDEX_NAME AS index_name,
       NON_UNIQUE AS non_unique,
       COLUMN_NAME AS column_name,
       NULL AS key_expression,
       COLLATION AS sort_order,
       SUB_PART AS sub_part,
       INDEX_TYPE AS index_type,
       INDEX_COMMENT AS index_comment
FROM information_schema.STATISTICS
WHERE TABLE_SCHEMA = DATABASE()
ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX
