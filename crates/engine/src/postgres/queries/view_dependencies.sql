-- The tables and views each view in $1 reads. A view's body is its _RETURN rule (pg_rewrite),
-- and the rule has a normal dependency on every relation (and column) it references.
SELECT DISTINCT r.ev_class AS view_oid,
       n.nspname::text AS schema,
       c.relname::text AS name
FROM pg_catalog.pg_rewrite r
JOIN pg_catalog.pg_depend d
  ON d.classid = 'pg_catalog.pg_rewrite'::regclass
 AND d.objid = r.oid
 AND d.refclassid = 'pg_catalog.pg_class'::regclass
 AND d.deptype = 'n'
JOIN pg_catalog.pg_class c ON c.oid = d.refobjid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE r.ev_class = ANY ($1)
  AND d.refobjid <> r.ev_class
  AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
ORDER BY 1
