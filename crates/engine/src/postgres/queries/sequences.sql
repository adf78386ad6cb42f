-- Sequences of user schemas with all their options and the column that owns them. An owning
-- column is an 'a' (auto) dependency for OWNED BY / serial and an 'i' (internal) one for an
-- identity column; identity sequences belong to their column and are left out, as are those
-- owned by dbwarden's own tables. Comments come from a join on pg_description (what
-- obj_description looks up, one SQL-function call per row otherwise); the owning column's name
-- is a plain index probe (as a join, the planner caches it per row at a higher cost).
SELECT n.nspname::text AS schema,
       c.relname::text AS name,
       pg_catalog.format_type(s.seqtypid, NULL) AS data_type,
       s.seqstart AS start,
       s.seqincrement AS increment,
       s.seqmin AS min_value,
       s.seqmax AS max_value,
       s.seqcache AS cache,
       s.seqcycle AS cycle,
       owner_namespace.nspname::text AS owner_schema,
       owner_table.relname::text AS owner_table,
       (SELECT owner_column.attname::text
        FROM pg_catalog.pg_attribute owner_column
        WHERE owner_column.attrelid = owner.refobjid
          AND owner_column.attnum = owner.refobjsubid) AS owner_column,
       description.description AS comment
FROM pg_catalog.pg_sequence s
JOIN pg_catalog.pg_class c ON c.oid = s.seqrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_catalog.pg_depend owner
       ON owner.classid = 'pg_catalog.pg_class'::regclass
      AND owner.objid = c.oid
      AND owner.refclassid = 'pg_catalog.pg_class'::regclass
      AND owner.refobjsubid > 0
      AND owner.deptype IN ('a', 'i')
LEFT JOIN pg_catalog.pg_class owner_table ON owner_table.oid = owner.refobjid
LEFT JOIN pg_catalog.pg_namespace owner_namespace ON owner_namespace.oid = owner_table.relnamespace
LEFT JOIN pg_catalog.pg_description description
       ON description.objoid = c.oid
      AND description.classoid = 'pg_catalog.pg_class'::pg_catalog.regclass
      AND description.objsubid = 0
WHERE n.nspname NOT LIKE 'pg\_%'
  AND n.nspname <> 'information_schema'
  AND NOT EXISTS (
      SELECT FROM pg_catalog.pg_depend d
      WHERE d.classid = 'pg_catalog.pg_class'::regclass
        AND d.objid = c.oid
        AND d.deptype = 'e')
  AND owner.deptype IS DISTINCT FROM 'i'
  AND (owner_table.relname IS NULL OR owner_table.relname NOT LIKE 'dbwarden\_%')
ORDER BY 1, 2
