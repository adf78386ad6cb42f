-- Columns of the tables in $1 with their attnum (the caller puts them in attnum order: sorting
-- here would spill to disk on thousands of tables). pg_attrdef holds the default, or for a
-- generated column its generation expression. A collation is reported only where it differs
-- from the type's own (attcollation is the type's collation unless COLLATE said otherwise),
-- written as SQL: quoted, and qualified unless it lives in pg_catalog.
--
-- Written for speed on thousands of tables: comments come from a join on pg_description (what
-- col_description looks up, one SQL-function call per row otherwise); the collation is looked
-- up only for the few columns whose collation differs; and a default is printed without the
-- table as context (relid 0), which spares building a deparse context per row: a default cannot
-- reference a column (manual, "CREATE TABLE"), so the text is the same. Only a generation
-- expression, which does reference columns, is printed against its table.
SELECT a.attrelid AS table_oid,
       a.attnum AS attnum,
       a.attname::text AS name,
       pg_catalog.format_type(a.atttypid, a.atttypmod) AS data_type,
       a.attnotnull AS not_null,
       CASE WHEN a.attgenerated = ''
            THEN pg_catalog.pg_get_expr(d.adbin, 0, true)
            ELSE pg_catalog.pg_get_expr(d.adbin, d.adrelid, true)
       END AS expression,
       a.attidentity::text AS identity,
       a.attgenerated::text AS generated,
       CASE WHEN a.attcollation <> t.typcollation THEN (
           SELECT CASE WHEN co_namespace.nspname = 'pg_catalog'
                       THEN pg_catalog.quote_ident(co.collname)
                       ELSE pg_catalog.quote_ident(co_namespace.nspname) || '.'
                            || pg_catalog.quote_ident(co.collname)
                  END
           FROM pg_catalog.pg_collation co
           JOIN pg_catalog.pg_namespace co_namespace ON co_namespace.oid = co.collnamespace
           WHERE co.oid = a.attcollation)
       END AS collation,
       description.description AS comment
FROM pg_catalog.pg_attribute a
JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
LEFT JOIN pg_catalog.pg_description description
       ON description.objoid = a.attrelid
      AND description.classoid = 'pg_catalog.pg_class'::pg_catalog.regclass
      AND description.objsubid = a.attnum
WHERE a.attrelid = ANY ($1)
  AND a.attnum > 0
  AND NOT a.attisdropped
