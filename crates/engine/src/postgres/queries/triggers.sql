-- User triggers (not the internal ones behind foreign keys, nor the clones a partition gets
-- from its parent's trigger, nor dbwarden's own) with their definition as PostgreSQL prints
-- it. tgparentid exists from PostgreSQL 13; read through to_jsonb so that 12 reads too.
SELECT n.nspname::text AS schema,
       c.relname::text AS table_name,
       t.tgname::text AS name,
       pg_catalog.pg_get_triggerdef(t.oid) AS definition,
       fn.nspname::text AS function_schema,
       p.proname::text AS function_name,
       t.tgenabled::text AS enabled,
       description.description AS comment
FROM pg_catalog.pg_trigger t
JOIN pg_catalog.pg_class c ON c.oid = t.tgrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
JOIN pg_catalog.pg_proc p ON p.oid = t.tgfoid
JOIN pg_catalog.pg_namespace fn ON fn.oid = p.pronamespace
LEFT JOIN pg_catalog.pg_description description
       ON description.objoid = t.oid
      AND description.classoid = 'pg_catalog.pg_trigger'::pg_catalog.regclass
WHERE NOT t.tgisinternal
  AND COALESCE((pg_catalog.to_jsonb(t) ->> 'tgparentid')::oid, 0) = 0
  AND n.nspname NOT LIKE 'pg\_%'
  AND n.nspname <> 'information_schema'
  AND c.relname NOT LIKE 'dbwarden\_%'
  AND t.tgname NOT LIKE 'dbw\_sync%'
  AND t.tgname NOT LIKE 'dbwarden\_%'
ORDER BY 1, 2, 3
