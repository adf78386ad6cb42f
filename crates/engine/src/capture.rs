//! Change capture for validation under live writes: while a migration runs, triggers record the
//! key of every row the *application* inserts, updates or deletes in the watched tables, so
//! that a comparison of fingerprints can leave out the rows (bucketed by a hash of their key)
//! that changed for reasons other than the migration.
//!
//! The migration's own session is exempt, so its writes are not recorded and a migration that
//! loses or alters rows is still caught: PostgreSQL reads a session setting
//! (`dbwarden.capture_exempt`), MySQL/MariaDB a session variable (`@dbwarden_capture_exempt`).
//! SQLite has no session state a trigger can read; there one writer holds the database at a
//! time, so the migration's transaction inserts a row into `dbwarden_capture_exempt` first and
//! deletes it before committing: no other connection ever sees it.
//!
//! The capture table is never dropped: a trigger left behind by a killed run must keep working
//! (an application write must never fail because of dbwarden). Triggers are removed at the end
//! of every run and swept at the start of the next.
//!
//! The key's text is written by the same expression here (over `NEW`/`OLD`) and in the
//! bucketed fingerprint (over the table's columns), so both sides hash the same bytes.

use crate::data::Bucketing;
use dbwarden_core::{Dialect, QualifiedName, quote_ident, quote_literal};

/// The table the triggers write to (one per schema on PostgreSQL).
pub const CAPTURE_TABLE: &str = "dbwarden_capture";

/// Present (inside the migration's transaction only) while SQLite's migration runs.
pub const SQLITE_EXEMPT_TABLE: &str = "dbwarden_capture_exempt";

/// Trigger and function names start with this, so that leftovers can be found and swept.
pub const TRIGGER_PREFIX: &str = "dbwarden_cap";

/// The statement that exempts a session from capture (PostgreSQL, MySQL); SQLite exempts the
/// migration's transaction instead (see [`sqlite_exempt_begin`]).
pub fn exempt_session(dialect: Dialect) -> Option<&'static str> {
    match dialect {
        Dialect::Postgres => Some("SET dbwarden.capture_exempt = 'on'"),
        Dialect::Mysql => Some("SET @dbwarden_capture_exempt = 1"),
        Dialect::Sqlite => None,
    }
}

/// Run first inside a SQLite migration's transaction: its writes are not captured.
pub fn sqlite_exempt_begin() -> String {
    format!("INSERT INTO {SQLITE_EXEMPT_TABLE} (x) VALUES (1)")
}

/// Run last inside a SQLite migration's transaction, before it commits.
pub fn sqlite_exempt_end() -> String {
    format!("DELETE FROM {SQLITE_EXEMPT_TABLE}")
}

/// SQL for a key's text: over `row` (`NEW` or `OLD`) inside a trigger, or over the table's
/// own columns when `row` is `None`.
pub fn key_text(dialect: Dialect, row: Option<&str>, key: &[String]) -> String {
    let column = |c: &String| match row {
        Some(r) => format!("{r}.{}", quote_ident(dialect, c)),
        None => quote_ident(dialect, c),
    };
    match dialect {
        // to_jsonb prints a value the same whatever its integer width, so a key retyped from
        // integer to bigint keeps its text; `to_jsonb(NEW) -> 'c'` is NULL rather than an error
        // when a migration renamed the column, so the trigger can never break a write.
        Dialect::Postgres => {
            let parts: Vec<String> = key
                .iter()
                .map(|c| match row {
                    Some(r) => format!("to_jsonb({r}) -> {}", quote_literal(dialect, c)),
                    None => format!("to_jsonb({})", quote_ident(dialect, c)),
                })
                .collect();
            format!("jsonb_build_array({})::text", parts.join(", "))
        }
        // A fixed 16 bytes whatever the key's length (a long key never overflows the capture
        // column in strict mode).
        Dialect::Mysql => {
            let parts: Vec<String> = key
                .iter()
                .map(|c| format!("CAST({} AS BINARY)", column(c)))
                .collect();
            format!("UNHEX(MD5(CONCAT_WS(0x1f, {})))", parts.join(", "))
        }
        Dialect::Sqlite => key
            .iter()
            .map(|c| format!("quote({})", column(c)))
            .collect::<Vec<_>>()
            .join(" || char(31) || "),
    }
}

/// SQL for the group of a row of the table (PostgreSQL, MySQL).
pub fn bucket_of_row(dialect: Dialect, key: &[String], bucketing: &Bucketing) -> String {
    bucket_of_sql(dialect, &key_text(dialect, None, key), bucketing)
}

fn bucket_of_sql(dialect: Dialect, text: &str, bucketing: &Bucketing) -> String {
    let mask = bucketing.mask();
    match dialect {
        Dialect::Postgres => format!("(hashtextextended({text}, 0) & {mask})"),
        _ => format!("(CRC32({text}) & {mask})"),
    }
}

/// The group of a key's text, computed here (SQLite, where the fingerprint runs in-process).
pub fn bucket_of_text(text: &[u8], bucketing: &Bucketing) -> u32 {
    u32::try_from(crate::stable_hash_bytes(text) & bucketing.mask()).unwrap_or(0)
}

/// A short, stable suffix that names one table's triggers.
fn suffix(table: &QualifiedName) -> String {
    format!("{:016x}", crate::stable_hash(&table.to_string()))
}

fn capture_table(dialect: Dialect, table: &QualifiedName) -> String {
    match (dialect, &table.schema) {
        (Dialect::Postgres, Some(schema)) => format!(
            "{}.{}",
            quote_ident(dialect, schema),
            quote_ident(dialect, CAPTURE_TABLE)
        ),
        _ => quote_ident(dialect, CAPTURE_TABLE),
    }
}

/// Statements that create the capture table (and SQLite's exemption table) where `table`'s
/// triggers will write.
pub fn ensure_tables(dialect: Dialect, table: &QualifiedName) -> Vec<String> {
    let target = capture_table(dialect, table);
    match dialect {
        // UNLOGGED: working data of one run, not worth WAL or replication.
        Dialect::Postgres => vec![format!(
            "CREATE UNLOGGED TABLE IF NOT EXISTS {target} (tbl text NOT NULL, k text NOT NULL)"
        )],
        // A primary key, for servers that require one (`sql_require_primary_key`, Group
        // Replication).
        Dialect::Mysql => vec![format!(
            "CREATE TABLE IF NOT EXISTS {target} (id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY, tbl VARCHAR(255) NOT NULL, k BINARY(16) NOT NULL) ENGINE=InnoDB"
        )],
        Dialect::Sqlite => vec![
            format!("CREATE TABLE IF NOT EXISTS {target} (tbl TEXT NOT NULL, k TEXT NOT NULL)"),
            format!("CREATE TABLE IF NOT EXISTS {SQLITE_EXEMPT_TABLE} (x INTEGER)"),
        ],
    }
}

/// Statements that install the capture triggers on `table`, recording `key`. Idempotent on
/// SQLite (`IF NOT EXISTS`); elsewhere run [`remove`] first.
pub fn install(dialect: Dialect, table: &QualifiedName, key: &[String]) -> Vec<String> {
    let target = capture_table(dialect, table);
    let label = quote_literal(dialect, &table.to_string());
    let on = table.quoted(dialect);
    let s = suffix(table);
    match dialect {
        Dialect::Postgres => {
            let function = function_name(table);
            let (old, new) = (
                key_text(dialect, Some("OLD"), key),
                key_text(dialect, Some("NEW"), key),
            );
            vec![
                // SECURITY DEFINER: the application's role needs no right on the capture
                // table; a fixed search_path so no object of the session's can stand in. No
                // exception block: a capture that failed silently would hide what the
                // application wrote (and `to_jsonb(NEW) -> 'c'` cannot fail).
                format!(
                    "CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql \
                     SECURITY DEFINER SET search_path = pg_catalog AS $dbw$\n\
                     BEGIN\n\
                     IF coalesce(current_setting('dbwarden.capture_exempt', true), '') = 'on' THEN RETURN NULL; END IF;\n\
                     IF TG_OP <> 'INSERT' THEN INSERT INTO {target} (tbl, k) VALUES ({label}, {old}); END IF;\n\
                     IF TG_OP <> 'DELETE' THEN INSERT INTO {target} (tbl, k) VALUES ({label}, {new}); END IF;\n\
                     RETURN NULL;\n\
                     END $dbw$"
                ),
                format!(
                    "CREATE TRIGGER {TRIGGER_PREFIX} AFTER INSERT OR UPDATE OR DELETE ON {on} FOR EACH ROW EXECUTE FUNCTION {function}()"
                ),
            ]
        }
        Dialect::Mysql => {
            let (old, new) = (
                key_text(dialect, Some("OLD"), key),
                key_text(dialect, Some("NEW"), key),
            );
            let when = "FROM DUAL WHERE @dbwarden_capture_exempt IS NULL";
            let insert = format!("INSERT INTO {target} (tbl, k)");
            vec![
                format!(
                    "CREATE TRIGGER `{TRIGGER_PREFIX}_i_{s}` AFTER INSERT ON {on} FOR EACH ROW {insert} SELECT {label}, {new} {when}"
                ),
                format!(
                    "CREATE TRIGGER `{TRIGGER_PREFIX}_u_{s}` AFTER UPDATE ON {on} FOR EACH ROW {insert} SELECT {label}, {old} {when} UNION ALL SELECT {label}, {new} {when}"
                ),
                format!(
                    "CREATE TRIGGER `{TRIGGER_PREFIX}_d_{s}` AFTER DELETE ON {on} FOR EACH ROW {insert} SELECT {label}, {old} {when}"
                ),
            ]
        }
        Dialect::Sqlite => {
            let when = format!("WHEN NOT EXISTS (SELECT 1 FROM {SQLITE_EXEMPT_TABLE})");
            let record = |row: &str| {
                format!(
                    "INSERT INTO {target} (tbl, k) VALUES ({label}, {});",
                    key_text(dialect, Some(row), key)
                )
            };
            vec![
                format!(
                    "CREATE TRIGGER IF NOT EXISTS \"{TRIGGER_PREFIX}_i_{s}\" AFTER INSERT ON {on} {when} BEGIN {} END",
                    record("NEW")
                ),
                format!(
                    "CREATE TRIGGER IF NOT EXISTS \"{TRIGGER_PREFIX}_u_{s}\" AFTER UPDATE ON {on} {when} BEGIN {} {} END",
                    record("OLD"),
                    record("NEW")
                ),
                format!(
                    "CREATE TRIGGER IF NOT EXISTS \"{TRIGGER_PREFIX}_d_{s}\" AFTER DELETE ON {on} {when} BEGIN {} END",
                    record("OLD")
                ),
            ]
        }
    }
}

fn function_name(table: &QualifiedName) -> String {
    let name = quote_ident(
        Dialect::Postgres,
        &format!("{TRIGGER_PREFIX}_{}", suffix(table)),
    );
    match &table.schema {
        Some(schema) => format!("{}.{name}", quote_ident(Dialect::Postgres, schema)),
        None => name,
    }
}

/// The statement that forgets the keys recorded for `table`.
pub fn forget(dialect: Dialect, table: &QualifiedName) -> String {
    format!(
        "DELETE FROM {} WHERE tbl = {}",
        capture_table(dialect, table),
        quote_literal(dialect, &table.to_string())
    )
}

/// Statements that remove `table`'s capture triggers and the rows they recorded; each
/// succeeds when there is nothing to remove. On PostgreSQL, run the trigger drop only while
/// the table exists (`DROP TRIGGER IF EXISTS` still needs the table, and locks it: run it only
/// where a trigger is known to be there).
pub fn remove(dialect: Dialect, table: &QualifiedName, table_exists: bool) -> Vec<String> {
    let on = table.quoted(dialect);
    let s = suffix(table);
    let mut out = Vec::new();
    match dialect {
        Dialect::Postgres => {
            if table_exists {
                out.push(format!("DROP TRIGGER IF EXISTS {TRIGGER_PREFIX} ON {on}"));
            }
            out.push(format!(
                "DROP FUNCTION IF EXISTS {}()",
                function_name(table)
            ));
        }
        Dialect::Mysql | Dialect::Sqlite => {
            let q = |n: String| quote_ident(dialect, &n);
            for kind in ["i", "u", "d"] {
                out.push(format!(
                    "DROP TRIGGER IF EXISTS {}",
                    q(format!("{TRIGGER_PREFIX}_{kind}_{s}"))
                ));
            }
        }
    }
    out.push(forget(dialect, table));
    out
}

/// A query for the groups holding keys the application wrote to `table`, with how many
/// writes each: rows of (group, writes). SQLite returns (key text, writes) instead, grouped by
/// [`bucket_of_text`] in the caller.
pub fn dirty_buckets(dialect: Dialect, table: &QualifiedName, bucketing: &Bucketing) -> String {
    let target = capture_table(dialect, table);
    let label = quote_literal(dialect, &table.to_string());
    match dialect {
        Dialect::Postgres => format!(
            "SELECT {}::bigint, count(*)::bigint FROM {target} WHERE tbl = {label} GROUP BY 1",
            bucket_of_sql(dialect, "k", bucketing)
        ),
        Dialect::Mysql => format!(
            "SELECT CAST({} AS SIGNED), CAST(COUNT(*) AS SIGNED) FROM {target} WHERE tbl = {label} GROUP BY 1",
            bucket_of_sql(dialect, "k", bucketing)
        ),
        Dialect::Sqlite => {
            format!("SELECT k, count(*) FROM {target} WHERE tbl = {label} GROUP BY k")
        }
    }
}

/// A query for leftover capture triggers: rows of (table schema or empty, table, trigger).
pub fn leftover_triggers(dialect: Dialect) -> String {
    match dialect {
        Dialect::Postgres => format!(
            "SELECT n.nspname::text, c.relname::text, t.tgname::text FROM pg_trigger t \
             JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace \
             WHERE t.tgname = '{TRIGGER_PREFIX}' ORDER BY 1, 2"
        ),
        Dialect::Mysql => format!(
            "SELECT '', EVENT_OBJECT_TABLE, TRIGGER_NAME FROM information_schema.TRIGGERS \
             WHERE TRIGGER_SCHEMA = DATABASE() AND TRIGGER_NAME LIKE '{TRIGGER_PREFIX}\\_%' ORDER BY 2, 3"
        ),
        Dialect::Sqlite => format!(
            "SELECT '', tbl_name, name FROM sqlite_master WHERE type = 'trigger' \
             AND name LIKE '{TRIGGER_PREFIX}\\_%' ESCAPE '\\' ORDER BY 2, 3"
        ),
    }
}

/// The temporary table a merge back reads the application's keys from (see
/// [`copy_written`]).
pub const WRITTEN_COPY: &str = "dbw_written";

/// Statements that copy the keys other sessions wrote to `table` into a temporary table, for
/// a statement that also writes `table` (MySQL refuses a statement whose trigger writes a
/// table the statement reads). Run them after the table is locked against writers, so the
/// copy is complete.
pub fn copy_written(dialect: Dialect, table: &QualifiedName) -> Vec<String> {
    let source = capture_table(dialect, table);
    let label = quote_literal(dialect, &table.to_string());
    match dialect {
        Dialect::Postgres => vec![
            format!("DROP TABLE IF EXISTS pg_temp.{WRITTEN_COPY}"),
            format!(
                "CREATE TEMP TABLE {WRITTEN_COPY} ON COMMIT DROP AS SELECT DISTINCT k FROM {source} WHERE tbl = {label}"
            ),
        ],
        Dialect::Mysql => vec![
            format!("DROP TEMPORARY TABLE IF EXISTS {WRITTEN_COPY}"),
            format!("CREATE TEMPORARY TABLE {WRITTEN_COPY} (k BINARY(16) NOT NULL PRIMARY KEY)"),
            format!(
                "INSERT IGNORE INTO {WRITTEN_COPY} (k) SELECT k FROM {source} WHERE tbl = {label}"
            ),
        ],
        Dialect::Sqlite => vec![
            format!("DROP TABLE IF EXISTS temp.{WRITTEN_COPY}"),
            format!(
                "CREATE TEMP TABLE {WRITTEN_COPY} AS SELECT DISTINCT k FROM {source} WHERE tbl = {label}"
            ),
        ],
    }
}

/// A SQL condition: the row `row` (a table alias, or the quoted table name) has a key that
/// another session wrote, read from the copy [`copy_written`] made.
pub fn written_by_others(dialect: Dialect, row: &str, key: &[String]) -> String {
    format!(
        "EXISTS (SELECT 1 FROM {WRITTEN_COPY} dbw_w WHERE dbw_w.k = {})",
        key_text(dialect, Some(row), key)
    )
}

/// The statements that lock `tables` against other sessions' writes until the transaction
/// ends (reads go on): PostgreSQL one `LOCK TABLE ... IN EXCLUSIVE MODE` for all of them, MySQL
/// a locking read of every row (with gap locks under REPEATABLE READ); SQLite's write
/// transaction already excludes other writers.
pub fn lock_against_writes(dialect: Dialect, tables: &[QualifiedName]) -> Vec<String> {
    if tables.is_empty() {
        return Vec::new();
    }
    match dialect {
        Dialect::Postgres => vec![format!(
            "LOCK TABLE {} IN EXCLUSIVE MODE",
            tables
                .iter()
                .map(|t| t.quoted(dialect))
                .collect::<Vec<_>>()
                .join(", ")
        )],
        Dialect::Mysql => tables
            .iter()
            .map(|t| format!("SELECT COUNT(*) FROM {} FOR UPDATE", t.quoted(dialect)))
            .collect(),
        Dialect::Sqlite => Vec::new(),
    }
}

/// A query for how many of `table`'s capture triggers exist (PostgreSQL one, the others
/// three): fewer means the table was replaced (dropped and created, renamed over) meanwhile.
pub fn installed_triggers(dialect: Dialect, table: &QualifiedName) -> String {
    let s = suffix(table);
    match dialect {
        Dialect::Postgres => format!(
            "SELECT count(*)::bigint FROM pg_trigger WHERE tgname = '{TRIGGER_PREFIX}' AND tgrelid = to_regclass({})",
            quote_literal(dialect, &table.quoted(dialect))
        ),
        Dialect::Mysql => format!(
            "SELECT CAST(COUNT(*) AS SIGNED) FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = DATABASE() \
             AND EVENT_OBJECT_TABLE = {} AND TRIGGER_NAME LIKE '{TRIGGER_PREFIX}\\_%\\_{s}'",
            quote_literal(dialect, &table.name)
        ),
        Dialect::Sqlite => format!(
            "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND tbl_name = {} AND name LIKE '{TRIGGER_PREFIX}\\_%\\_{s}' ESCAPE '\\'",
            quote_literal(dialect, &table.name)
        ),
    }
}

/// How many triggers [`install`] creates on a table.
pub fn trigger_count(dialect: Dialect) -> i64 {
    match dialect {
        Dialect::Postgres => 1,
        _ => 3,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trigger_and_scan_write_the_same_key_text() {
        let key = vec!["id".to_owned(), "tenant".to_owned()];
        assert_eq!(
            key_text(Dialect::Mysql, Some("NEW"), &key),
            "UNHEX(MD5(CONCAT_WS(0x1f, CAST(NEW.`id` AS BINARY), CAST(NEW.`tenant` AS BINARY))))"
        );
        assert_eq!(
            key_text(Dialect::Mysql, None, &key),
            "UNHEX(MD5(CONCAT_WS(0x1f, CAST(`id` AS BINARY), CAST(`tenant` AS BINARY))))"
        );
        assert_eq!(
            key_text(Dialect::Sqlite, Some("OLD"), &key),
            "quote(OLD.\"id\") || char(31) || quote(OLD.\"tenant\")"
        );
    }

    #[test]
    fn groups_stay_inside_the_mask() {
        let b = Bucketing::for_rows(vec!["id".into()], 1000);
        assert_eq!(b.buckets, 128);
        for i in 0..1000u32 {
            assert!(bucket_of_text(i.to_string().as_bytes(), &b) < b.buckets);
        }
        assert_eq!(Bucketing::for_rows(vec![], 10).buckets, 64);
        assert_eq!(Bucketing::for_rows(vec![], u64::MAX).buckets, 65_536);
    }
}
