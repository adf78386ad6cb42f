//! The history table `dbwarden_migrations` in the target database, and its format marker in
//! `dbwarden_meta`.
//!
//! One row per applied (or partly applied) migration. Columns use types every engine shares so
//! one set of statements serves all three; timestamps are ISO-8601 UTC text for the same reason.
//! Table names are qualified with the schema (PostgreSQL) or database (MySQL) found when the
//! runner starts, so a migration that changes `search_path` or runs `USE` cannot redirect the
//! history writes.

use super::MigrateError;
use dbwarden_core::{Dialect, quote_ident};
use dbwarden_engine::{Engine, Value};

/// The history format this dbwarden writes. A newer number in a database means a newer
/// dbwarden wrote it, and this one refuses to touch it.
pub const HISTORY_FORMAT: i64 = 1;

/// Where a migration stands in the history table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RowStatus {
    /// Fully applied.
    Applied,
    /// Recorded as applied by `baseline` without running.
    Baseline,
    /// A statement-by-statement migration is running, or its runner died mid-way.
    Running,
    /// A statement-by-statement migration failed part-way.
    Failed,
    /// A statement-by-statement down script is running, or its runner died mid-way.
    RollingBack,
    /// A statement-by-statement down script failed part-way.
    RollbackFailed,
}

impl RowStatus {
    fn as_str(self) -> &'static str {
        match self {
            RowStatus::Applied => "applied",
            RowStatus::Baseline => "baseline",
            RowStatus::Running => "running",
            RowStatus::Failed => "failed",
            RowStatus::RollingBack => "rolling_back",
            RowStatus::RollbackFailed => "rollback_failed",
        }
    }

    fn parse(s: &str) -> Option<RowStatus> {
        Some(match s {
            "applied" => RowStatus::Applied,
            "baseline" => RowStatus::Baseline,
            "running" => RowStatus::Running,
            "failed" => RowStatus::Failed,
            "rolling_back" => RowStatus::RollingBack,
            "rollback_failed" => RowStatus::RollbackFailed,
            _ => return None,
        })
    }

    /// Applied or baselined: the migration counts as done.
    pub fn is_done(self) -> bool {
        matches!(self, RowStatus::Applied | RowStatus::Baseline)
    }

    /// Its down script stopped part-way: only `down` may continue.
    pub fn is_rolling_back(self) -> bool {
        matches!(self, RowStatus::RollingBack | RowStatus::RollbackFailed)
    }
}

/// One row of `dbwarden_migrations`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct HistoryRow {
    /// Version number.
    pub version: u64,
    /// Migration name.
    pub name: String,
    /// SHA-256 of the up file when applied.
    pub checksum_up: String,
    /// SHA-256 of the down file when applied (none if irreversible).
    pub checksum_down: Option<String>,
    /// SHA-256 of the up file's canonical text (comments and whitespace removed).
    pub canonical_up: String,
    /// SHA-256 of the down file's canonical text.
    pub canonical_down: Option<String>,
    /// Where it stands.
    pub status: RowStatus,
    /// Statements of the up script that completed (for rows in a rollback state: statements of
    /// the down script that completed).
    pub statements_done: u64,
    /// Statements in the script being run.
    pub statements_total: u64,
    /// SHA-256 of the canonical text of the completed statements, so `--resume` can tell
    /// whether they were edited since they ran.
    pub progress_checksum: Option<String>,
    /// The error that stopped it, for failed rows.
    pub error: Option<String>,
    /// When it was applied (ISO-8601 UTC).
    pub applied_at: String,
    /// How long it took.
    pub duration_ms: u64,
    /// Who ran it (OS user).
    pub applied_by: String,
    /// On which host.
    pub host: String,
}

/// A progress update for a statement-by-statement run.
#[derive(Debug, Clone)]
pub struct ProgressUpdate {
    /// The new status.
    pub status: RowStatus,
    /// Statements completed.
    pub statements_done: u64,
    /// Statements in the script.
    pub statements_total: u64,
    /// Checksum of the completed statements.
    pub progress_checksum: Option<String>,
    /// The error, when it stopped.
    pub error: Option<String>,
    /// Time so far.
    pub duration_ms: u64,
}

/// The history tables of one database, with their qualified names.
#[derive(Debug, Clone)]
pub struct History {
    migrations: String,
    meta: String,
    dialect: Dialect,
    /// The namespace as a string literal for catalog lookups (`None` on SQLite).
    namespace: Option<String>,
}

impl History {
    /// Finds where the history lives: the current schema (PostgreSQL) or database (MySQL).
    pub async fn locate(engine: &mut dyn Engine) -> Result<History, MigrateError> {
        let dialect = engine.dialect();
        let namespace = match dialect {
            Dialect::Postgres => Some(first_text(engine, "SELECT current_schema()::text").await?.ok_or_else(|| {
                MigrateError::BadTarget(
                    "PostgreSQL has no current schema (search_path is empty or names no existing schema): set search_path in the URL (options=-csearch_path=...) or create the schema".into(),
                )
            })?),
            Dialect::Mysql => Some(first_text(engine, "SELECT DATABASE()").await?.ok_or_else(|| {
                MigrateError::BadTarget("no database selected: add /DATABASE to the URL".into())
            })?),
            Dialect::Sqlite => None,
        };
        let qualify = |table: &str| match &namespace {
            Some(ns) => format!(
                "{}.{}",
                quote_ident(dialect, ns),
                quote_ident(dialect, table)
            ),
            None => quote_ident(dialect, table),
        };
        Ok(History {
            migrations: qualify("dbwarden_migrations"),
            meta: qualify("dbwarden_meta"),
            dialect,
            namespace,
        })
    }

    /// Creates the tables if missing and checks the format marker. Refuses a history written by
    /// a newer dbwarden.
    pub async fn ensure(&self, engine: &mut dyn Engine) -> Result<(), MigrateError> {
        match self.format(engine).await? {
            Some(found) if found > HISTORY_FORMAT => {
                return Err(MigrateError::NewerHistory {
                    found,
                    supported: HISTORY_FORMAT,
                });
            }
            Some(_) => return Ok(()),
            None => {}
        }
        engine
            .execute(&format!(
                "CREATE TABLE IF NOT EXISTS {} (\
                 version BIGINT NOT NULL PRIMARY KEY, \
                 name VARCHAR(255) NOT NULL, \
                 checksum_up CHAR(64) NOT NULL, \
                 checksum_down CHAR(64), \
                 canonical_up CHAR(64) NOT NULL, \
                 canonical_down CHAR(64), \
                 status VARCHAR(16) NOT NULL, \
                 statements_done INTEGER NOT NULL, \
                 statements_total INTEGER NOT NULL, \
                 progress_checksum CHAR(64), \
                 error TEXT, \
                 applied_at VARCHAR(40) NOT NULL, \
                 duration_ms BIGINT NOT NULL, \
                 applied_by VARCHAR(255) NOT NULL, \
                 host VARCHAR(255) NOT NULL, \
                 dbwarden_version VARCHAR(32) NOT NULL)",
                self.migrations
            ))
            .await?;
        engine
            .execute(&format!(
                "CREATE TABLE IF NOT EXISTS {} (meta_key VARCHAR(64) NOT NULL PRIMARY KEY, \
                 meta_value VARCHAR(255) NOT NULL)",
                self.meta
            ))
            .await?;
        let insert = match self.dialect {
            Dialect::Mysql => format!(
                "INSERT IGNORE INTO {} (meta_key, meta_value) VALUES ('history_format', ?)",
                self.meta
            ),
            _ => format!(
                "INSERT INTO {} (meta_key, meta_value) VALUES ('history_format', ?) ON CONFLICT (meta_key) DO NOTHING",
                self.meta
            ),
        };
        engine
            .execute_with(&insert, &[Value::Text(HISTORY_FORMAT.to_string())])
            .await?;
        Ok(())
    }

    /// The format marker, or `None` where dbwarden has never run.
    pub async fn format(&self, engine: &mut dyn Engine) -> Result<Option<i64>, MigrateError> {
        let (sql, params) = match (&self.dialect, &self.namespace) {
            (Dialect::Postgres, Some(ns)) => (
                "SELECT 1 FROM pg_catalog.pg_tables WHERE schemaname = ? AND tablename = 'dbwarden_meta'",
                vec![Value::Text(ns.clone())],
            ),
            (Dialect::Mysql, Some(ns)) => (
                "SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = 'dbwarden_meta'",
                vec![Value::Text(ns.clone())],
            ),
            _ => (
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'dbwarden_meta'",
                vec![],
            ),
        };
        if engine.query(sql, &params).await?.is_empty() {
            return Ok(None);
        }
        let rows = engine
            .query(
                &format!(
                    "SELECT meta_value FROM {} WHERE meta_key = 'history_format'",
                    self.meta
                ),
                &[],
            )
            .await?;
        Ok(rows.first().and_then(|r| r.first()).and_then(Value::as_i64))
    }

    /// All rows, by version. Empty where the table does not exist yet; refuses a history
    /// written by a newer dbwarden, whose rows this one might misread, and rows it cannot read.
    pub async fn rows(&self, engine: &mut dyn Engine) -> Result<Vec<HistoryRow>, MigrateError> {
        match self.format(engine).await? {
            None => return Ok(Vec::new()),
            Some(found) if found > HISTORY_FORMAT => {
                return Err(MigrateError::NewerHistory {
                    found,
                    supported: HISTORY_FORMAT,
                });
            }
            Some(_) => {}
        }
        let rows = engine
            .query(
                &format!(
                    "SELECT version, name, checksum_up, checksum_down, canonical_up, canonical_down, \
                     status, statements_done, statements_total, progress_checksum, error, applied_at, \
                     duration_ms, applied_by, host FROM {} ORDER BY version",
                    self.migrations
                ),
                &[],
            )
            .await?;
        rows.iter().map(|r| row_from_values(r)).collect()
    }

    /// Inserts a row.
    pub async fn insert(
        &self,
        engine: &mut dyn Engine,
        row: &HistoryRow,
    ) -> Result<(), MigrateError> {
        engine
            .execute_with(
                &format!(
                    "INSERT INTO {} (version, name, checksum_up, checksum_down, canonical_up, \
                     canonical_down, status, statements_done, statements_total, progress_checksum, \
                     error, applied_at, duration_ms, applied_by, host, dbwarden_version) \
                     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    self.migrations
                ),
                &[
                    int_value(row.version)?,
                    Value::Text(row.name.clone()),
                    Value::Text(row.checksum_up.clone()),
                    row.checksum_down.clone().into(),
                    Value::Text(row.canonical_up.clone()),
                    row.canonical_down.clone().into(),
                    Value::Text(row.status.as_str().into()),
                    int_value(row.statements_done)?,
                    int_value(row.statements_total)?,
                    row.progress_checksum.clone().into(),
                    row.error.clone().into(),
                    Value::Text(row.applied_at.clone()),
                    int_value(row.duration_ms)?,
                    Value::Text(row.applied_by.clone()),
                    Value::Text(row.host.clone()),
                    Value::Text(env!("CARGO_PKG_VERSION").into()),
                ],
            )
            .await?;
        Ok(())
    }

    /// Records progress of a statement-by-statement run.
    pub async fn update_progress(
        &self,
        engine: &mut dyn Engine,
        version: u64,
        update: ProgressUpdate,
    ) -> Result<(), MigrateError> {
        engine
            .execute_with(
                &format!(
                    "UPDATE {} SET status = ?, statements_done = ?, statements_total = ?, \
                     progress_checksum = ?, error = ?, duration_ms = ? WHERE version = ?",
                    self.migrations
                ),
                &[
                    Value::Text(update.status.as_str().into()),
                    int_value(update.statements_done)?,
                    int_value(update.statements_total)?,
                    update.progress_checksum.into(),
                    update.error.into(),
                    int_value(update.duration_ms)?,
                    int_value(version)?,
                ],
            )
            .await?;
        Ok(())
    }

    /// Replaces the stored checksums with those of `m`'s files (after `rehash`, or a resumed
    /// migration whose file was fixed).
    pub async fn update_checksums(
        &self,
        engine: &mut dyn Engine,
        m: &super::Migration,
    ) -> Result<(), MigrateError> {
        engine
            .execute_with(
                &format!(
                    "UPDATE {} SET checksum_up = ?, checksum_down = ?, canonical_up = ?, \
                     canonical_down = ? WHERE version = ?",
                    self.migrations
                ),
                &[
                    Value::Text(m.up.checksum.clone()),
                    m.down.as_ref().map(|d| d.checksum.clone()).into(),
                    Value::Text(m.up.canonical_checksum.clone()),
                    m.down.as_ref().map(|d| d.canonical_checksum.clone()).into(),
                    int_value(m.version)?,
                ],
            )
            .await?;
        Ok(())
    }

    /// Deletes a row (after a rollback).
    pub async fn delete(&self, engine: &mut dyn Engine, version: u64) -> Result<(), MigrateError> {
        engine
            .execute_with(
                &format!("DELETE FROM {} WHERE version = ?", self.migrations),
                &[int_value(version)?],
            )
            .await?;
        Ok(())
    }
}

async fn first_text(engine: &mut dyn Engine, sql: &str) -> Result<Option<String>, MigrateError> {
    let rows = engine.query(sql, &[]).await?;
    Ok(rows
        .first()
        .and_then(|r| r.first())
        .and_then(Value::as_string))
}

fn int_value(n: u64) -> Result<Value, MigrateError> {
    i64::try_from(n)
        .map(Value::Int)
        .map_err(|_| MigrateError::VersionTooLarge {
            version: n.to_string(),
        })
}

fn row_from_values(r: &[Value]) -> Result<HistoryRow, MigrateError> {
    let text = |i: usize| r.get(i).and_then(Value::as_string).unwrap_or_default();
    let opt = |i: usize| {
        r.get(i)
            .and_then(Value::as_string)
            .map(|s| s.trim().to_owned())
    };
    let version_text = text(0);
    let corrupt = |what: &str| MigrateError::CorruptHistory {
        version: version_text.clone(),
        reason: what.to_owned(),
    };
    let count = |i: usize, what: &str| {
        r.get(i)
            .and_then(Value::as_i64)
            .and_then(|n| u64::try_from(n).ok())
            .ok_or_else(|| corrupt(what))
    };
    let status_text = text(6);
    Ok(HistoryRow {
        version: count(0, "the version is not a non-negative number")?,
        name: text(1),
        checksum_up: text(2).trim().to_owned(),
        checksum_down: opt(3),
        canonical_up: text(4).trim().to_owned(),
        canonical_down: opt(5),
        status: RowStatus::parse(&status_text)
            .ok_or_else(|| corrupt(&format!("unknown status `{status_text}`")))?,
        statements_done: count(7, "statements_done is negative")?,
        statements_total: count(8, "statements_total is negative")?,
        progress_checksum: opt(9),
        error: r.get(10).and_then(Value::as_string),
        applied_at: text(11),
        duration_ms: count(12, "duration_ms is negative")?,
        applied_by: text(13),
        host: text(14),
    })
}
