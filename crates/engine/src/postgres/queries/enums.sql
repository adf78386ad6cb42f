-- Enum types of user schemas, labels in their sort order (enumsortorder, which ADD VALUE ...
-- BEFORE/AFTER keeps right; oids do not).
SELECT n.nspname::text AS schema,
       t.typname::text AS name,
       ARRAY(
           SELECT e.enumlabel::text
           FROM pg_catalog.pg_enum e
           WHERE e.enumtypid = t.oid
           ORDER BY e.enumsortorder) AS labels,
       pg_catalog.obj_description(t.oid, 'pg_type') AS comment
FROM pg_catalog.pg_type t
JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
WHERE t.typtype = 'e'
  AND n.nspname NOT LIKE 'pg\_%'
  AND n.nspname <> 'information_schema'
  AND NOT EXISTS (
      SELECT FROM pg_catalog.pg_depend d
      WHERE d.classid = 'pg_catalog.pg_type'::regclass
        AND d.objid = t.oid
        AND d.deptype = 'e')
ORDER BY 1, 2
