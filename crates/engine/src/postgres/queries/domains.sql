-- Domains of user schemas that no extension owns, with their base type, default, NOT NULL
-- and checks (name and expression, as PostgreSQL prints them; the check list is in name order).
SELECT n.nspname::text AS schema,
       t.typname::text AS name,
       pg_catalog.format_type(t.typbasetype, t.typtypmod) AS base_type,
       t.typdefault AS default_expression,
       t.typnotnull AS not_null,
       ARRAY(SELECT c.conname::text FROM pg_catalog.pg_constraint c
             WHERE c.contypid = t.oid AND c.contype = 'c' ORDER BY c.conname) AS check_names,
       ARRAY(SELECT pg_catalog.pg_get_expr(c.conbin, 0, true) FROM pg_catalog.pg_constraint c
             WHERE c.contypid = t.oid AND c.contype = 'c' ORDER BY c.conname) AS check_expressions,
       description.description AS comment
FROM pg_catalog.pg_type t
JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
LEFT JOIN pg_catalog.pg_description description
       ON description.objoid = t.oid
      AND description.classoid = 'pg_catalog.pg_type'::pg_catalog.regclass
WHERE t.typtype = 'd'
  AND n.nspname NOT LIKE 'pg\_%'
  AND n.nspname <> 'information_schema'
  AND NOT EXISTS (SELECT FROM pg_catalog.pg_depend d
                  WHERE d.classid = 'pg_catalog.pg_type'::regclass
                    AND d.objid = t.oid AND d.deptype = 'e')
ORDER BY 1, 2
