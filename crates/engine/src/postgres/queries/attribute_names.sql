-- Column names by attnum of the tables in $1: tables outside the introspected set that a
-- foreign key references (one of dbwarden's own, or an extension's), whose key columns the
-- column query did not read.
SELECT a.attrelid AS table_oid,
       a.attnum AS attnum,
       a.attname::text AS name
FROM pg_catalog.pg_attribute a
WHERE a.attrelid = ANY ($1)
  AND a.attnum > 0
