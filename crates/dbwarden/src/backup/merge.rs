//! Putting a backup's rows back into live tables while keeping what the application wrote
//! since: the rollback of a run whose tables took writes meanwhile. A plain restore would
//! replace the application's newer rows with the backup's; a merge back touches only the rows
//! whose key no other session wrote during the run (the capture of
//! [`crate::validate::LiveCapture`] knows which), and for those:
//!
//! - puts back rows the migration deleted (key in the backup, missing now),
//! - sets rows the migration changed back to the backup's values (the columns both have),
//!
//! The backup's rows go through a staging table in the same database, so each step is one
//! set-based statement, in one transaction where the engine allows.

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
    // Staging first, outside the merge's transaction: on MySQL, CREATE TABLE commits
    // whatever transaction is open, and with it the locks the merge relies on.
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
        let drop = format!("DROP TABLE IF EXISTS {}", staging.quoted(engine.dialect()));
        if let Err(e) = engine.execute(&drop).await {
            tracing::warn!("could not drop staging table {staging}: {e}");
        }
    }
    outcome?;
    Ok((merged, left_out))
}

/// One transaction over every staged table: lock it against writers, copy the keys the
/// application wrote, merge.
async fn merge_staged(
    engine: &mut dyn Engine,
    work: &[(&TableEntry, MergeScope, &Table)],
    merged: &mut Vec<MergedTable>,
) -> Result<(), BackupError> {
    let dialect = engine.dialect();
    engine.begin().await?;
    let mut outcome: Result<(), BackupError> = Ok(());
    if dialect == Dialect::Sqlite {
        // The merge's own writes are not the application's.
        outcome = engine
            .execute(&capture::sqlite_exempt_begin())
            .await
            .map(|_| ())
            .map_err(Into::into);
    }
    // Parents first (the backup lists referenced tables first), so put-back children find
    // their parents.
    for (entry, scope, table) in work {
        if outcome.is_err() {
            break;
        }
        match merge_table(engine, entry, scope, table).await {
            Ok((inserted, updated)) => merged.push(MergedTable {
                name: entry.name.to_string(),
                inserted,
                updated,
                insert_only: scope.insert_only,
            }),
            Err(e) => outcome = Err(e),
        }
    }
    if dialect == Dialect::Sqlite && outcome.is_ok() {
        outcome = engine
            .execute(&capture::sqlite_exempt_end())
            .await
            .map(|_| ())
            .map_err(Into::into);
    }
    match outcome {
        Ok(()) => engine.commit().await.map_err(Into::into),
        Err(e) => {
            let _ = engine.rollback().await;
            Err(e)
        }
    }
}

/// The staging table's name for `table`, beside it.
fn staging_name(table: &QualifiedName) -> QualifiedName {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in table.to_string().bytes() {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    QualifiedName {
        schema: table.schema.clone(),
        name: format!("dbwarden_stage_{hash:016x}"),
    }
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
    engine
        .execute(&format!("DROP TABLE IF EXISTS {}", staging.quoted(dialect)))
        .await?;
    for sql in dbwarden_core::render::schema_statements(&schema) {
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
    // No write may land between reading which keys the application wrote and the merge's
    // own writes, or the merge would overwrite it: writers wait until the merge commits.
    if let Some(lock) = capture::lock_against_writes(dialect, &entry.name) {
        engine.execute(&lock).await?;
    }
    for sql in capture::copy_written(dialect, &scope.table) {
        engine.execute(&sql).await?;
    }
    let staging = staging_name(&entry.name);
    let sql = MergeSql::new(
        dialect,
        &entry.name,
        &staging,
        scope,
        common_columns(entry, table),
    );
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

    /// The rows other sessions wrote get back the values of `dropped` columns, which they
    /// could not write (the columns were gone): `None` when there are none.
    fn refill(&self, dropped: &[String]) -> Option<String> {
        if dropped.is_empty() {
            return None;
        }
        let written = capture::written_by_others(self.dialect, "s", self.key);
        let set = |target: &str| -> Vec<String> {
            dropped
                .iter()
                .map(|c| format!("{0} = COALESCE({target}.{0}, s.{0})", self.q(c)))
                .collect()
        };
        Some(match self.dialect {
            Dialect::Postgres => format!(
                "UPDATE {live} t SET {sets} FROM {staging} s WHERE {matched} AND {written}",
                live = self.live,
                sets = set("t").join(", "),
                staging = self.staging,
                matched = self.key_match("t", "s"),
            ),
            Dialect::Mysql => format!(
                "UPDATE {live} t JOIN {staging} s ON {matched} SET {sets} WHERE {written}",
                live = self.live,
                staging = self.staging,
                matched = self.key_match("t", "s"),
                sets = set("t")
                    .iter()
                    .map(|a| format!("t.{a}"))
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
            Dialect::Sqlite => {
                let cols: Vec<String> = dropped.iter().map(|c| self.q(c)).collect();
                let picked: Vec<String> = dropped
                    .iter()
                    .map(|c| format!("COALESCE({}.{1}, s.{1})", self.live, self.q(c)))
                    .collect();
                format!(
                    "UPDATE {live} SET ({cols}) = (SELECT {picked} FROM {staging} s WHERE {matched}) \
                     WHERE EXISTS (SELECT 1 FROM {staging} s WHERE {matched} AND {written})",
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
