-- Primary key, unique, foreign key and check constraints of the tables in $1 (constraints a
-- partition inherits from its parent are the parent's). A check's expression is pg_get_expr of
-- conbin in pretty mode, which is exactly what pg_get_constraintdef(oid, true) prints between
-- `CHECK (` and the closing parenthesis.
--
-- Key columns come as attnums in key order (conkey, and confkey of the referenced table), which
-- the caller names from the column query: naming them here, an array subquery per constraint,
-- took most of the time on thousands of tables.
SELECT con.conrelid AS table_oid,
       con.conname::text AS name,
       con.contype::text AS kind,
       con.conkey AS key_attnums,
       con.confrelid AS referenced_oid,
       referenced_namespace.nspname::text AS referenced_schema,
       referenced_table.relname::text AS referenced_table,
       con.confkey AS referenced_attnums,
       con.confdeltype::text AS on_delete,
       con.confupdtype::text AS on_update,
       con.confmatchtype = 'f' AS match_full,
       con.condeferrable AS deferrable,
       con.condeferred AS initially_deferred,
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
