-- User schemas with their comments. PostgreSQL reserves the `pg_` prefix for system schemas
-- (pg_catalog, pg_toast, pg_temp_N, ...; manual, "CREATE SCHEMA"), and schemas an extension
-- created are the extension's (pg_depend deptype 'e'), not the user's.
SELECT n.nspname::text AS name,
       pg_catalog.obj_description(n.oid, 'pg_namespace') AS comment
FROM pg_catalog.pg_namespace n
WHERE n.nspname NOT LIKE 'pg\_%'
  AND n.nspname <> 'information_schema'
  AND NOT EXISTS (
      SELECT FROM pg_catalog.pg_depend d
      WHERE d.classid = 'pg_catalog.pg_namespace'::regclass
        AND d.objid = n.oid
        AND d.deptype = 'e')
ORDER BY 1
