-- Primary key, unique, foreign key and check constraints of the tables in $1 (constraints a
-- partition inherits from its parent are the parent's). Column lists keep their key order. A
-- check's expression is pg_get_expr of conbin in pretty mode, which is exactly what
-- pg_get_constraintdef(oid, true) prints between `CHECK (` and the closing parenthesis.
SELECT con.conrelid AS table_oid,
       con.conname::text AS name,
       con.contype::text AS kind,
       ARRAY(
           SELECT a.attname::text
           FROM unnest(con.conkey) WITH ORDINALITY AS k(attnum, position)
           JOIN pg_catalog.pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum
           ORDER BY k.position) AS columns,
       referenced_namespace.nspname::text AS referenced_schema,
       referenced_table.relname::text AS referenced_table,
       ARRAY(
           SELECT a.attname::text
           FROM unnest(con.confkey) WITH ORDINALITY AS k(attnum, position)
           JOIN pg_catalog.pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum
           ORDER BY k.position) AS referenced_columns,
       con.confdeltype::text AS on_delete,
       con.confupdtype::text AS on_update,
       CASE WHEN con.contype = 'c'
            THEN pg_catalog.pg_get_expr(con.conbin, con.conrelid, true)
       END AS check_expression
FROM pg_catalog.pg_constraint con
LEFT JOIN pg_catalog.pg_class referenced_table ON referenced_table.oid = con.confrelid
LEFT JOIN pg_catalog.pg_namespace referenced_namespace
       ON referenced_namespace.oid = referenced_table.relnamespace
WHERE con.conrelid = ANY ($1)
  AND con.contype IN ('p', 'u', 'f', 'c')
  AND con.conparentid = 0
ORDER BY con.conrelid, con.conname
