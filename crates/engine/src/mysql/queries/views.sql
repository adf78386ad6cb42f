-- Views of the connected database with their stored SELECT text.
SELECT TABLE_NAME AS view_name,
       VIEW_DEFINITION AS view_definition
FROM information_schema.VIEWS
WHERE TABLE_SCHEMA = DATABASE()
  AND TABLE_NAME NOT LIKE 'dbwarden\_%'
ORDER BY TABLE_NAME
