-- Ordinary and partitioned tables of user schemas, except dbwarden's own (dbwarden_*). Their
-- oids key the column, constraint and index queries.
SELECT c.oid AS oid,
       n.nspname::text AS schema,
       c.relname::text AS name,
       pg_catalog.obj_description(c.oid, 'pg_class') AS comment
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p')
  AND n.nspname NOT LIKE 'pg\_%'
  AND n.nspname <> 'information_schema'
  AND c.relname NOT LIKE 'dbwarden\_%'
  AND NOT EXISTS (
      SELECT FROM pg_catalog.pg_depend d
      WHERE d.classid = 'pg_catalog.pg_class'::regclass
        AND d.objid = c.oid
        AND d.deptype = 'e')
ORDER BY 2, 3
