-- Materialized views of user schemas that no extension owns, with their bodies as PostgreSQL
-- prints them (pretty mode) and their indexes' definitions, by index name.
SELECT n.nspname::text AS schema,
       c.relname::text AS name,
       pg_catalog.pg_get_viewdef(c.oid, true) AS definition,
       ARRAY(SELECT ic.relname::text FROM pg_catalog.pg_index i
             JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid
             WHERE i.indrelid = c.oid ORDER BY ic.relname) AS index_names,
       ARRAY(SELECT pg_catalog.pg_get_indexdef(i.indexrelid) FROM pg_catalog.pg_index i
             JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid
             WHERE i.indrelid = c.oid ORDER BY ic.relname) AS index_definitions,
       description.description AS comment
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_catalog.pg_description description
       ON description.objoid = c.oid
      AND description.classoid = 'pg_catalog.pg_class'::pg_catalog.regclass
      AND description.objsubid = 0
WHERE c.relkind = 'm'
  AND n.nspname NOT LIKE 'pg\_%'
  AND n.nspname <> 'information_schema'
  AND NOT EXISTS (SELECT FROM pg_catalog.pg_depend d
                  WHERE d.classid = 'pg_catalog.pg_class'::regclass
                    AND d.objid = c.oid AND d.deptype = 'e')
ORDER BY 1, 2
