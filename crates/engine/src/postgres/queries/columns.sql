-- Columns of the tables in $1, in attnum order. pg_attrdef holds the default, or for a generated
-- column its generation expression. A collation is reported only where it differs from the
-- type's own (attcollation is the type's collation unless COLLATE said otherwise), written as
-- SQL: quoted, and qualified unless it lives in pg_catalog.
SELECT a.attrelid AS table_oid,
       a.attname::text AS name,
       pg_catalog.format_type(a.atttypid, a.atttypmod) AS data_type,
       a.attnotnull AS not_null,
       pg_catalog.pg_get_expr(d.adbin, d.adrelid, true) AS expression,
       a.attidentity::text AS identity,
       a.attgenerated::text AS generated,
       CASE
           WHEN a.attcollation = t.typcollation THEN NULL
           WHEN co_namespace.nspname = 'pg_catalog' THEN pg_catalog.quote_ident(co.collname)
           ELSE pg_catalog.quote_ident(co_namespace.nspname) || '.'
                || pg_catalog.quote_ident(co.collname)
       END AS collation,
       pg_catalog.col_description(a.attrelid, a.attnum) AS comment
FROM pg_catalog.pg_attribute a
JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
LEFT JOIN pg_catalog.pg_collation co ON co.oid = a.attcollation
LEFT JOIN pg_catalog.pg_namespace co_namespace ON co_namespace.oid = co.collnamespace
WHERE a.attrelid = ANY ($1)
  AND a.attnum > 0
  AND NOT a.attisdropped
ORDER BY a.attrelid, a.attnum
