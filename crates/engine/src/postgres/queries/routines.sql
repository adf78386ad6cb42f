-- Functions and procedures of user schemas that no extension owns, with their complete
-- definition as PostgreSQL prints it. dbwarden's own (dbw_sync*, dbwarden_*: the triggers
-- that keep an expand step's two shapes in step and that capture live writes) are left out,
-- as its tables are. Aggregates and window functions are listed by unmanaged.sql instead.
SELECT p.oid AS oid,
       n.nspname::text AS schema,
       p.proname::text AS name,
       p.prokind::text AS kind,
       pg_catalog.pg_get_function_identity_arguments(p.oid) AS arguments,
       CASE WHEN p.prokind = 'p' THEN NULL
            ELSE pg_catalog.pg_get_function_result(p.oid) END AS returns,
       l.lanname::text AS language,
       pg_catalog.pg_get_functiondef(p.oid) AS definition,
       description.description AS comment
FROM pg_catalog.pg_proc p
JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
JOIN pg_catalog.pg_language l ON l.oid = p.prolang
LEFT JOIN pg_catalog.pg_description description
       ON description.objoid = p.oid
      AND description.classoid = 'pg_catalog.pg_proc'::pg_catalog.regclass
      AND description.objsubid = 0
WHERE p.prokind IN ('f', 'p')
  AND n.nspname NOT LIKE 'pg\_%'
  AND n.nspname <> 'information_schema'
  AND p.proname NOT LIKE 'dbw\_sync%'
  AND p.proname NOT LIKE 'dbwarden\_%'
  AND NOT EXISTS (
      SELECT FROM pg_catalog.pg_depend d
      WHERE d.classid = 'pg_catalog.pg_proc'::regclass
        AND d.objid = p.oid
        AND d.deptype = 'e')
ORDER BY 2, 3, 5
