-- Base tables of the connected database, without dbwarden's own bookkeeping tables.
-- LIKE 'dbwarden\_%' matches a literal underscore with or without NO_BACKSLASH_ESCAPES,
-- because backslash is also LIKE's default escape character.
SELECT TABLE_NAME AS table_name,
       TABLE_COLLATION AS table_collation,
       TABLE_COMMENT AS table_comment
FROM information_schema.TABLES
WHERE TABLE_SCHEMA = DATABASE()
  AND TABLE_TYPE = 'BASE TABLE'
  AND TABLE_NAME NOT LIKE 'dbwarden\_%'
ORDER BY TABLE_NAME
