-- Views of user schemas with their bodies as PostgreSQL prints them (pretty mode). Comments come
-- from a join on pg_description (what obj_description looks up).
SELECT c.oid AS oid,
       n.nspname::text AS schema,
       c.relname::text AS name,
       pg_catalog.pg_get_viewdef(c.oid, true) AS definition,
       -- Privileges held by roles other than the owner, as "PRIVILEGE TO grantee".
       ARRAY(SELECT a.privilege_type || ' TO ' ||
                    CASE WHEN a.grantee = 0 THEN 'PUBLIC'
                         ELSE pg_catalog.quote_ident(pg_catalog.pg_get_userbyid(a.grantee)) END
             FROM pg_catalog.aclexplode(c.relacl) a
             WHERE a.grantee <> c.relowner
             ORDER BY 1) AS grants,
       description.description AS comment
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_catalog.pg_description description
       ON description.objoid = c.oid
      AND description.classoid = 'pg_catalog.pg_class'::pg_catalog.regclass
      AND description.objsubid = 0
WHERE c.relkind = 'v'
  AND n.nspname NOT LIKE 'pg\_%'
  AND n.nspname <> 'information_schema'
  AND NOT EXISTS (
      SELECT FROM pg_catalog.pg_depend d
      WHERE d.classid = 'pg_catalog.pg_class'::regclass
        AND d.objid = c.oid
        AND d.deptype = 'e')
ORDER BY 2, 3
