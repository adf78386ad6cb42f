-- Indexes of the tables in $1 that do not back a primary key, unique or exclusion constraint
-- (those are the constraint's). Key parts only: the first indnkeyatts entries of indkey (INCLUDE
-- columns come after). A column part has its attnum in indkey, which the caller names from the
-- column query; an expression part has 0 there and is printed by pg_get_indexdef(index, k,
-- true), only for indexes that have expressions (it builds a deparse context on every call).
-- Bit 0 of indoption is DESC, bit 1 NULLS FIRST (pg_index.h, INDOPTION_DESC and
-- INDOPTION_NULLS_FIRST). indnullsnotdistinct exists from PostgreSQL 15: read through to_jsonb. Comments come from a join on
-- pg_description (what obj_description looks up, one SQL-function call per row otherwise).
SELECT i.indrelid AS table_oid,
       index_class.relname::text AS name,
       i.indisunique AS is_unique,
       am.amname::text AS method,
       i.indnkeyatts AS key_count,
       i.indkey::pg_catalog.int2[] AS key_attnums,
       i.indoption::pg_catalog.int2[] AS key_options,
       CASE WHEN i.indexprs IS NOT NULL THEN ARRAY(
           SELECT CASE WHEN i.indkey[k.n - 1] = 0
                       THEN pg_catalog.pg_get_indexdef(i.indexrelid, k.n, true)
                  END
           FROM generate_series(1, i.indnkeyatts) AS k(n)
           ORDER BY k.n)
       END AS key_definitions,
       -- Operator classes other than the default for the key's type, as pg_get_indexdef
       -- prints them (qualified outside pg_catalog); NULL for a default one.
       ARRAY(
           SELECT CASE WHEN opc.opcdefault THEN NULL
                       WHEN opcn.nspname = 'pg_catalog' THEN pg_catalog.quote_ident(opc.opcname)
                       ELSE pg_catalog.quote_ident(opcn.nspname) || '.' || pg_catalog.quote_ident(opc.opcname)
                  END
           FROM generate_series(1, i.indnkeyatts) AS k(n)
           JOIN pg_catalog.pg_opclass opc ON opc.oid = i.indclass[k.n - 1]
           JOIN pg_catalog.pg_namespace opcn ON opcn.oid = opc.opcnamespace
           ORDER BY k.n) AS key_opclasses,
       i.indnatts AS column_count,
       COALESCE((pg_catalog.to_jsonb(i) ->> 'indnullsnotdistinct')::boolean, false) AS nulls_not_distinct,
       COALESCE(index_class.reloptions, '{}') AS storage,
       pg_catalog.pg_get_expr(i.indpred, i.indrelid, true) AS predicate,
       description.description AS comment
FROM pg_catalog.pg_index i
JOIN pg_catalog.pg_class index_class ON index_class.oid = i.indexrelid
JOIN pg_catalog.pg_am am ON am.oid = index_class.relam
LEFT JOIN pg_catalog.pg_description description
       ON description.objoid = i.indexrelid
      AND description.classoid = 'pg_catalog.pg_class'::pg_catalog.regclass
      AND description.objsubid = 0
WHERE i.indrelid = ANY ($1)
  AND NOT EXISTS (
      SELECT FROM pg_catalog.pg_constraint con
      WHERE con.conindid = i.indexrelid
        AND con.contype IN ('p', 'u', 'x'))
