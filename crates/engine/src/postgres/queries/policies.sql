-- Row-level security policies of user tables, with their expressions as PostgreSQL prints
-- them and their roles as SQL (PUBLIC for the role oid 0), sorted.
SELECT n.nspname::text AS schema,
       c.relname::text AS table_name,
       p.polname::text AS name,
       CASE p.polcmd WHEN 'r' THEN 'SELECT' WHEN 'a' THEN 'INSERT' WHEN 'w' THEN 'UPDATE'
                     WHEN 'd' THEN 'DELETE' ELSE 'ALL' END AS command,
       p.polpermissive AS permissive,
       ARRAY(SELECT CASE WHEN r = 0 THEN 'PUBLIC'
                         ELSE pg_catalog.quote_ident(pg_catalog.pg_get_userbyid(r)) END
             FROM pg_catalog.unnest(p.polroles) AS r
             ORDER BY 1) AS roles,
       pg_catalog.pg_get_expr(p.polqual, p.polrelid, true) AS using_expression,
       pg_catalog.pg_get_expr(p.polwithcheck, p.polrelid, true) AS check_expression
FROM pg_catalog.pg_policy p
JOIN pg_catalog.pg_class c ON c.oid = p.polrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname NOT LIKE 'pg\_%'
  AND n.nspname <> 'information_schema'
ORDER BY 1, 2, 3
