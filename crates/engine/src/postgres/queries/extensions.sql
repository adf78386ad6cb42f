-- Installed extensions, except plpgsql, which every new database already has.
SELECT e.extname::text AS name,
       n.nspname::text AS schema,
       e.extversion AS version
FROM pg_catalog.pg_extension e
JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace
WHERE e.extname <> 'plpgsql'
ORDER BY 1
