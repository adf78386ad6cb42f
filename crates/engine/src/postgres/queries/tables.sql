-- Ordinary and partitioned tables of user schemas, except dbwarden's own (dbwarden_*). Their
-- oids key the column, constraint and index queries. Comments come from a join on
-- pg_description (what obj_description looks up, one SQL-function call per row otherwise).
SELECT c.oid AS oid,
       n.nspname::text AS schema,
       c.relname::text AS name,
       c.relrowsecurity AS row_security,
       c.relforcerowsecurity AS force_row_security,
       c.relpersistence = 'u' AS unlogged,
       description.description AS comment
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_catalog.pg_description description
       ON description.objoid = c.oid
      AND description.classoid = 'pg_catalog.pg_class'::pg_catalog.regclass
      AND description.objsubid = 0
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
