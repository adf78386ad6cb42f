-- Indexes of the tables in $1 that do not back a primary key, unique or exclusion constraint
-- (those are the constraint's). Key parts only (INCLUDE columns come after indnkeyatts): a
-- column part has its attnum in indkey, an expression part has 0 there and is printed by
-- pg_get_indexdef(index, k, true). Bit 0 of indoption is DESC (pg_index.h, INDOPTION_DESC).
SELECT i.indrelid AS table_oid,
       index_class.relname::text AS name,
       i.indisunique AS is_unique,
       am.amname::text AS method,
       ARRAY(
           SELECT a.attname::text
           FROM generate_series(1, i.indnkeyatts) AS k(n)
           LEFT JOIN pg_catalog.pg_attribute a
                  ON a.attrelid = i.indrelid AND a.attnum = i.indkey[k.n - 1]
           ORDER BY k.n) AS key_columns,
       ARRAY(
           SELECT pg_catalog.pg_get_indexdef(i.indexrelid, k.n, true)
           FROM generate_series(1, i.indnkeyatts) AS k(n)
           ORDER BY k.n) AS key_definitions,
       ARRAY(
           SELECT (i.indoption[k.n - 1] & 1) = 1
           FROM generate_series(1, i.indnkeyatts) AS k(n)
           ORDER BY k.n) AS key_descending,
       pg_catalog.pg_get_expr(i.indpred, i.indrelid, true) AS predicate,
       pg_catalog.obj_description(i.indexrelid, 'pg_class') AS comment
FROM pg_catalog.pg_index i
JOIN pg_catalog.pg_class index_class ON index_class.oid = i.indexrelid
JOIN pg_catalog.pg_am am ON am.oid = index_class.relam
WHERE i.indrelid = ANY ($1)
  AND NOT EXISTS (
      SELECT FROM pg_catalog.pg_constraint con
      WHERE con.conindid = i.indexrelid
        AND con.contype IN ('p', 'u', 'x'))
ORDER BY i.indrelid, index_class.relname
