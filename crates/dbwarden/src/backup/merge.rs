//! Putting a backup's rows back into live tables while keeping what the application wrote
//! since: the rollback of a run whose tables took writes meanwhile. A plain restore would
//! replace the application's newer rows with the backup's; a merge back touches only the rows
//! whose key no other session wrote during the run (the capture of
//! [`crate::validate::LiveCapture`] knows which), and for those:
//!
//! - puts back rows the migration deleted (key in the backup, missing now),
//! - sets rows the migration changed back to the backup's values (the columns both have),
//! - removes rows the migration added and its down script left (key not in the backup).
//!
//! Columns the migration dropped are refilled in every row, the application's too: no session
//! could write a column that was gone. The backup's rows go through a temporary staging table
//! in the same session, so each step is one set-based statement, all in one transaction with
//! the tables locked against writers.

use super::{BackupError, BackupReader, TableEntry};
use crate::validate::MergeScope;
use dbwarden_core::{Dialect, QualifiedName, Schema, Table, quote_ident};
use dbwarden_engine::data::CHANNEL_CHUNKS;
use dbwarden_engine::{Engine, capture};
use serde::Serialize;
use std::sync::Arc;

/// What a merge back did to one table.
#[derive(Debug, Clone, Default, Serialize)]
pub struct MergedTable {
    /// The table.
    pub name: String,
    /// Rows put back.
    pub inserted: u64,
    /// Rows set back to the backup's values.
    pub updated: u64,
    /// Rows removed (not in the backup, not written by another session).
    pub deleted: u64,
    /// Whether only missing rows were put back (its capture had a gap).
    pub insert_only: bool,
}

/// Merges the backup's rows of each table `scope_of` names back into the live table. Tables
/// without a scope (no key, not captured) are left out and returned by name, for the caller to
/// restore or report.
pub async fn merge_back(
    engine: &mut dyn Engine,
    reader: Arc<BackupReader>,
    scope_of: impl Fn(&QualifiedName) -> Option<MergeScope>,
) -> Result<(Vec<MergedTable>, Vec<String>), BackupError> {
    let live = engine.introspect().await?;
    let mut merged = Vec::new();
    let mut left_out = Vec::new();
    let mut work = Vec::new();
    for entry in &reader.manifest.tables {
        match (
            scope_of(&entry.name),
            live.tables.iter().find(|t| t.name == entry.name),
        ) {
            (Some(scope), Some(table)) => work.push((entry, scope, table)),
            _ => left_out.push(entry.name.to_string()),
        }
    }
    // Staging first, in transactions of its own, so the merge's transaction (and the locks
    // it holds against writers) lasts only as long as the set-based statements.
    let mut staged = Vec::new();
    let mut outcome: Result<(), BackupError> = Ok(());
    for (entry, _, _) in &work {
        let staging = staging_name(&entry.name);
        staged.push(staging.clone());
        if let Err(e) = stage(engine, &reader, entry, &staging).await {
            outcome = Err(e);
            break;
        }
    }
    if outcome.is_ok() {
        outcome = merge_staged(engine, &work, &mut merged).await;
    }
    for staging in &staged {
        let drop = drop_staging(engine.dialect(), staging);
        if let Err(e) = engine.execute(&drop).await {
            tracing::warn!("could not drop staging table {staging}: {e}");
        }
    }
    outcome?;
    Ok((merged, left_out))
}

/// `DROP ... IF EXISTS` of a staging table (MySQL: `TEMPORARY`, which commits nothing).
fn drop_staging(dialect: Dialect, staging: &QualifiedName) -> String {
    match dialect {
        Dialect::Mysql => format!("DROP TEMPORARY TABLE IF EXISTS {}", staging.quoted(dialect)),
        _ => format!("DROP TABLE IF EXISTS {}", staging.quoted(dialect)),
    }
}

/// One transaction over every staged table: lock them all against writers at once (one at a
/// time would deadlock with the application's foreign-key checks), then per table copy the
/// keys the application wrote and merge: extra rows out (children first), then changed rows
/// back and missing rows in (parents first).
async fn merge_staged(
    engine: &mut dyn Engine,
    work: &[(&TableEntry, MergeScope, &Table)],
    merged: &mut Vec<MergedTable>,
) -> Result<(), BackupError> {
    let dialect = engine.dialect();
    if dialect == Dialect::Mysql {
        // Gap locks, so no application insert lands on a key the merge puts back.
        engine
            .execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            .await?;
    }
    engine.begin().await?;
    let outcome = merge_locked(engine, work, merged).await;
    match outcome {
        Ok(()) => engine.commit().await.map_err(Into::into),
        Err(e) => {
            let _ = engine.rollback().await;
            Err(e)
        }
    }
}

async fn merge_locked(
    engine: &mut dyn Engine,
    work: &[(&TableEntry, MergeScope, &Table)],
    merged: &mut Vec<MergedTable>,
) -> Result<(), BackupError> {
    let dialect = engine.dialect();
    if dialect == Dialect::Sqlite {
        // The merge's own writes are not the application's.
        engine.execute(&capture::sqlite_exempt_begin()).await?;
    }
    let names: Vec<QualifiedName> = work.iter().map(|(e, _, _)| e.name.clone()).collect();
    for lock in capture::lock_against_writes(dialect, &names) {
        engine.execute(&lock).await?;
    }
    let mut deleted = Vec::with_capacity(work.len());
    for (entry, scope, table) in work.iter().rev() {
        let sql = merge_sql(dialect, entry, scope, table);
        for copy in capture::copy_written(dialect, &scope.table) {
            engine.execute(&copy).await?;
        }
        deleted.push(match sql.delete() {
            Some(delete) if !scope.insert_only => engine.execute(&delete).await?.rows_affected,
            _ => 0,
        });
    }
    deleted.reverse();
    for ((entry, scope, table), deleted) in work.iter().zip(deleted) {
        let (inserted, updated) = merge_table(engine, entry, scope, table).await?;
        merged.push(MergedTable {
            name: entry.name.to_string(),
            inserted,
            updated,
            deleted,
            insert_only: scope.insert_only,
        });
    }
    if dialect == Dialect::Sqlite {
        engine.execute(&capture::sqlite_exempt_end()).await?;
    }
    Ok(())
}

fn merge_sql<'a>(
    dialect: Dialect,
    entry: &'a TableEntry,
    scope: &'a MergeScope,
    table: &Table,
) -> MergeSql<'a> {
    MergeSql::new(
        dialect,
        &entry.name,
        &staging_name(&entry.name),
        scope,
        common_columns(entry, table),
    )
}

/// The staging table's name for `table`.
fn staging_name(table: &QualifiedName) -> QualifiedName {
    let hash = dbwarden_engine::stable_hash(&table.to_string());
    // Temporary, so it is this session's alone, is never replicated or published, and goes
    // with the connection if the run dies; a temporary table takes no schema.
    QualifiedName::bare(format!("dbwarden_stage_{hash:016x}"))
}

/// Columns the merge may write: in the backup and in the live table, not generated there.
fn common_columns(entry: &TableEntry, table: &Table) -> Vec<String> {
    entry
        .columns
        .iter()
        .filter(|c| {
            table
                .columns
                .iter()
                .any(|l| &l.name == *c && l.generated.is_none())
        })
        .cloned()
        .collect()
}

/// Creates the staging table and loads the backup's rows of `entry` into it.
async fn stage(
    engine: &mut dyn Engine,
    reader: &Arc<BackupReader>,
    entry: &TableEntry,
    staging: &QualifiedName,
) -> Result<(), BackupError> {
    let dialect = engine.dialect();
    let source = reader
        .manifest
        .schema
        .tables
        .iter()
        .find(|t| t.name == entry.name)
        .ok_or_else(|| {
            BackupError::table(entry, "the backup's schema does not describe it".into())
        })?;
    let mut columns = Vec::new();
    for name in &entry.columns {
        if let Some(c) = source.columns.iter().find(|c| &c.name == name) {
            let mut c = c.clone();
            c.nullable = true;
            c.default = None;
            c.identity = None;
            c.generated = None;
            c.comment = None;
            columns.push(c);
        }
    }
    let table = Table {
        name: staging.clone(),
        columns,
        ..Table::new(staging.clone())
    };
    let schema = Schema {
        tables: vec![table],
        ..Schema::empty(dialect)
    };
    engine.execute(&drop_staging(dialect, staging)).await?;
    for sql in dbwarden_core::render::schema_statements(&schema) {
        // A temporary table: on MySQL it also does not commit the open transaction.
        let sql = sql.replacen("CREATE TABLE", "CREATE TEMPORARY TABLE", 1);
        engine.execute(&sql).await?;
    }
    // The rows in one transaction (SQLite would otherwise commit each row).
    engine.begin().await?;
    let (tx, rx) = tokio::sync::mpsc::channel(CHANNEL_CHUNKS);
    let source = Arc::clone(reader);
    let read_entry = entry.clone();
    let format = reader.manifest.row_format;
    let reading =
        tokio::task::spawn_blocking(move || source.read_table(&read_entry, format, Some(&tx)));
    let loaded = engine.load_rows(staging, &entry.columns, rx).await;
    let read = reading.await.map_err(|e| BackupError::Corrupt {
        what: format!("the reading thread failed: {e}"),
    });
    let outcome = match (read, loaded) {
        (Err(e), _) => Err(e),
        (Ok(Err(BackupError::LoadStopped)), Err(e)) => Err(e.into()),
        (Ok(Err(e)), _) => Err(e),
        (Ok(Ok(())), loaded) => loaded.map(|_| ()).map_err(Into::into),
    };
    match outcome {
        Ok(()) => engine.commit().await.map_err(Into::into),
        Err(e) => {
            let _ = engine.rollback().await;
            Err(e)
        }
    }
}

/// Puts back missing rows and, unless insert-only, resets changed ones. Returns (inserted,
/// updated).
async fn merge_table(
    engine: &mut dyn Engine,
    entry: &TableEntry,
    scope: &MergeScope,
    table: &Table,
) -> Result<(u64, u64), BackupError> {
    let dialect = engine.dialect();
    // The tables are locked against writers (see `merge_locked`): the copy of the keys the
    // application wrote is complete until the merge commits.
    for copy in capture::copy_written(dialect, &scope.table) {
        engine.execute(&copy).await?;
    }
    let sql = merge_sql(dialect, entry, scope, table);
    let updated = match sql.update() {
        Some(update) if !scope.insert_only => engine.execute(&update).await?.rows_affected,
        _ => 0,
    };
    let dropped: Vec<String> = sql
        .columns
        .iter()
        .filter(|c| !scope.columns_after_run.contains(c))
        .cloned()
        .collect();
    if let Some(refill) = sql.refill(&dropped) {
        engine.execute(&refill).await?;
    }
    let inserted = engine.execute(&sql.insert()).await?.rows_affected;
    Ok((inserted, updated))
}

/// The statements of one table's merge.
struct MergeSql<'a> {
    dialect: Dialect,
    live: String,
    staging: String,
    key: &'a [String],
    columns: Vec<String>,
}

impl<'a> MergeSql<'a> {
    fn new(
        dialect: Dialect,
        table: &QualifiedName,
        staging: &QualifiedName,
        scope: &'a MergeScope,
        columns: Vec<String>,
    ) -> Self {
        MergeSql {
            dialect,
            live: table.quoted(dialect),
            staging: staging.quoted(dialect),
            key: &scope.key,
            columns,
        }
    }

    fn q(&self, c: &str) -> String {
        quote_ident(self.dialect, c)
    }

    /// `a.k1 = b.k1 AND ...`
    fn key_match(&self, a: &str, b: &str) -> String {
        self.key
            .iter()
            .map(|k| format!("{a}.{0} = {b}.{0}", self.q(k)))
            .collect::<Vec<_>>()
            .join(" AND ")
    }

    fn untouched(&self, row: &str) -> String {
        format!(
            "NOT {}",
            capture::written_by_others(self.dialect, row, self.key)
        )
    }

    /// Rows whose key is not in the backup (the migration added them and its down script
    /// left them) and that no other session wrote.
    fn delete(&self) -> Option<String> {
        let missing_from_backup = |row: &str| {
            format!(
                "NOT EXISTS (SELECT 1 FROM {} s WHERE {})",
                self.staging,
                self.key_match(row, "s")
            )
        };
        Some(match self.dialect {
            Dialect::Postgres => format!(
                "DELETE FROM {} t WHERE {} AND {}",
                self.live,
                missing_from_backup("t"),
                self.untouched("t")
            ),
            Dialect::Mysql => format!(
                "DELETE t FROM {} t WHERE {} AND {}",
                self.live,
                missing_from_backup("t"),
                self.untouched("t")
            ),
            Dialect::Sqlite => format!(
                "DELETE FROM {live} WHERE {} AND {}",
                missing_from_backup(&self.live),
                self.untouched(&self.live),
                live = self.live
            ),
        })
    }

    /// Rows whose key is in the backup, missing now, and not written by others.
    fn insert(&self) -> String {
        let cols: Vec<String> = self.columns.iter().map(|c| self.q(c)).collect();
        let picked: Vec<String> = self
            .columns
            .iter()
            .map(|c| format!("s.{}", self.q(c)))
            .collect();
        let overriding = if self.dialect == Dialect::Postgres {
            " OVERRIDING SYSTEM VALUE"
        } else {
            ""
        };
        format!(
            "INSERT INTO {live} ({cols}){overriding} SELECT {picked} FROM {staging} s \
             WHERE NOT EXISTS (SELECT 1 FROM {live} t WHERE {matched}) AND {untouched}",
            live = self.live,
            cols = cols.join(", "),
            picked = picked.join(", "),
            staging = self.staging,
            matched = self.key_match("t", "s"),
            untouched = self.untouched("s"),
        )
    }

    /// Every row with its key in the backup gets back the values of `dropped` columns, the
    /// rows other sessions wrote too: no session could write a column that was gone, and a
    /// down script adds it back empty or with a default. `None` when there are none.
    fn refill(&self, dropped: &[String]) -> Option<String> {
        if dropped.is_empty() {
            return None;
        }
        let sets = |prefix: &str| -> String {
            dropped
                .iter()
                .map(|c| format!("{prefix}{0} = s.{0}", self.q(c)))
                .collect::<Vec<_>>()
                .join(", ")
        };
        Some(match self.dialect {
            Dialect::Postgres => format!(
                "UPDATE {} t SET {} FROM {} s WHERE {}",
                self.live,
                sets(""),
                self.staging,
                self.key_match("t", "s")
            ),
            Dialect::Mysql => format!(
                "UPDATE {} t JOIN {} s ON {} SET {}",
                self.live,
                self.staging,
                self.key_match("t", "s"),
                sets("t.")
            ),
            Dialect::Sqlite => {
                let cols: Vec<String> = dropped.iter().map(|c| self.q(c)).collect();
                let picked: Vec<String> =
                    dropped.iter().map(|c| format!("s.{}", self.q(c))).collect();
                format!(
                    "UPDATE {live} SET ({cols}) = (SELECT {picked} FROM {staging} s WHERE {matched}) \
                     WHERE EXISTS (SELECT 1 FROM {staging} s WHERE {matched})",
                    live = self.live,
                    cols = cols.join(", "),
                    picked = picked.join(", "),
                    staging = self.staging,
                    matched = self.key_match(&self.live, "s"),
                )
            }
        })
    }

    /// Rows whose key is in both, not written by others, and whose values differ; `None`
    /// when the table has only key columns.
    fn update(&self) -> Option<String> {
        let non_key: Vec<&String> = self
            .columns
            .iter()
            .filter(|c| !self.key.contains(c))
            .collect();
        if non_key.is_empty() {
            return None;
        }
        let differs = |a: &str, b: &str| -> String {
            let parts: Vec<String> = non_key
                .iter()
                .map(|c| match self.dialect {
                    Dialect::Postgres => {
                        format!("{a}.{0}::text IS DISTINCT FROM {b}.{0}::text", self.q(c))
                    }
                    Dialect::Mysql => format!("NOT ({a}.{0} <=> {b}.{0})", self.q(c)),
                    Dialect::Sqlite => format!("{a}.{0} IS NOT {b}.{0}", self.q(c)),
                })
                .collect();
            format!("({})", parts.join(" OR "))
        };
        Some(match self.dialect {
            Dialect::Postgres => format!(
                "UPDATE {live} t SET {sets} FROM {staging} s WHERE {matched} AND {untouched} AND {differs}",
                live = self.live,
                sets = non_key
                    .iter()
                    .map(|c| format!("{0} = s.{0}", self.q(c)))
                    .collect::<Vec<_>>()
                    .join(", "),
                staging = self.staging,
                matched = self.key_match("t", "s"),
                untouched = self.untouched("s"),
                differs = differs("t", "s"),
            ),
            Dialect::Mysql => format!(
                "UPDATE {live} t JOIN {staging} s ON {matched} SET {sets} WHERE {untouched} AND {differs}",
                live = self.live,
                staging = self.staging,
                matched = self.key_match("t", "s"),
                sets = non_key
                    .iter()
                    .map(|c| format!("t.{0} = s.{0}", self.q(c)))
                    .collect::<Vec<_>>()
                    .join(", "),
                untouched = self.untouched("s"),
                differs = differs("t", "s"),
            ),
            Dialect::Sqlite => {
                let cols: Vec<String> = non_key.iter().map(|c| self.q(c)).collect();
                let picked: Vec<String> =
                    non_key.iter().map(|c| format!("s.{}", self.q(c))).collect();
                format!(
                    "UPDATE {live} SET ({cols}) = (SELECT {picked} FROM {staging} s WHERE {matched}) \
                     WHERE EXISTS (SELECT 1 FROM {staging} s WHERE {matched} AND {untouched} AND {differs})",
                    live = self.live,
                    cols = cols.join(", "),
                    picked = picked.join(", "),
                    staging = self.staging,
                    matched = self.key_match(&self.live, "s"),
                    untouched = self.untouched("s"),
                    differs = differs(&self.live, "s"),
                )
            }
        })
    }
}
