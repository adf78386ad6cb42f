-- Objects of user schemas that the model does not manage yet, by kind, so that inspect, diff
-- and plan can say so instead of ignoring them.
SELECT kind, name FROM (
    -- One pass over pg_class for the relation kinds; the WHERE keeps the lateral list to the
    -- few relations that have one.
    SELECT k.kind, n.nspname || '.' || c.relname AS name
    FROM pg_catalog.pg_class c
    JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    CROSS JOIN LATERAL (VALUES
        (CASE WHEN c.relkind = 'f' THEN 'foreign table' END),
        (CASE WHEN c.relispartition AND c.relkind IN ('r', 'p') THEN 'partition' END),
        (CASE WHEN c.relkind = 'p' THEN 'partitioned table' END)
    ) AS k(kind)
    WHERE (c.relkind IN ('f', 'p') OR c.relispartition)
      AND k.kind IS NOT NULL
  UNION ALL
    SELECT 'range type', n.nspname || '.' || t.typname
    FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
    WHERE t.typtype = 'r'
      AND NOT EXISTS (SELECT FROM pg_catalog.pg_depend d
                      WHERE d.classid = 'pg_catalog.pg_type'::regclass
                        AND d.objid = t.oid AND d.deptype = 'e')
  UNION ALL
    SELECT CASE p.prokind WHEN 'a' THEN 'aggregate' ELSE 'window function' END,
           n.nspname || '.' || p.proname
    FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
    WHERE p.prokind IN ('a', 'w')
      AND NOT EXISTS (SELECT FROM pg_catalog.pg_depend d
                      WHERE d.classid = 'pg_catalog.pg_proc'::regclass
                        AND d.objid = p.oid AND d.deptype = 'e')
  UNION ALL
    SELECT 'rule', n.nspname || '.' || c.relname || '.' || r.rulename
    FROM pg_catalog.pg_rewrite r
    JOIN pg_catalog.pg_class c ON c.oid = r.ev_class
    JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    WHERE r.rulename <> '_RETURN'
  UNION ALL
    SELECT 'exclusion constraint', n.nspname || '.' || c.relname || '.' || con.conname
    FROM pg_catalog.pg_constraint con
    JOIN pg_catalog.pg_class c ON c.oid = con.conrelid
    JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    WHERE con.contype = 'x'
  UNION ALL
    SELECT 'event trigger', e.evtname::text
    FROM pg_catalog.pg_event_trigger e
    WHERE NOT EXISTS (SELECT FROM pg_catalog.pg_depend d
                      WHERE d.classid = 'pg_catalog.pg_event_trigger'::regclass
                        AND d.objid = e.oid AND d.deptype = 'e')
) found
WHERE split_part(name, '.', 1) NOT LIKE 'pg\_%'
  AND split_part(name, '.', 1) <> 'information_schema'
ORDER BY 1, 2
