//! The history table `dbwarden_migrations` in the target database, and its format marker in
//! `dbwarden_meta`.
//!
//! One row per applied (or partly applied) migration. Columns use types every engine shares so
//! one set of statements serves all three; timestamps are ISO-8601 UTC text for the same reason.

use super::MigrateError;
use dbwarden_core::Dialect;
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
    /// A non-transactional migration is running, or its runner died mid-way.
    Running,
    /// A non-transactional migration failed part-way.
    Failed,
}

impl RowStatus {
    fn as_str(self) -> &'static str {
        match self {
            RowStatus::Applied => "applied",
            RowStatus::Baseline => "baseline",
            RowStatus::Running => "running",
            RowStatus::Failed => "failed",
        }
    }

    fn parse(s: &str) -> RowStatus {
        match s {
            "applied" => RowStatus::Applied,
            "baseline" => RowStatus::Baseline,
            "running" => RowStatus::Running,
            _ => RowStatus::Failed,
        }
    }

    /// Applied or baselined: the migration counts as done.
    pub fn is_done(self) -> bool {
        matches!(self, RowStatus::Applied | RowStatus::Baseline)
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
    /// Statements of the up script that completed.
    pub statements_done: i64,
    /// Statements in the up script.
    pub statements_total: i64,
    /// The error that stopped it, for failed rows.
    pub error: Option<String>,
    /// When it was applied (ISO-8601 UTC).
    pub applied_at: String,
    /// How long it took.
    pub duration_ms: i64,
    /// Who ran it (OS user).
    pub applied_by: String,
    /// On which host.
    pub host: String,
}

const CREATE_HISTORY: &str = "CREATE TABLE IF NOT EXISTS dbwarden_migrations (\
    version BIGINT NOT NULL PRIMARY KEY, \
    name VARCHAR(255) NOT NULL, \
    checksum_up CHAR(64) NOT NULL, \
    checksum_down CHAR(64), \
    canonical_up CHAR(64) NOT NULL, \
    canonical_down CHAR(64), \
    status VARCHAR(16) NOT NULL, \
    statements_done INTEGER NOT NULL, \
    statements_total INTEGER NOT NULL, \
    error TEXT, \
    applied_at VARCHAR(40) NOT NULL, \
    duration_ms BIGINT NOT NULL, \
    applied_by VARCHAR(255) NOT NULL, \
    host VARCHAR(255) NOT NULL, \
    dbwarden_version VARCHAR(32) NOT NULL)";

const CREATE_META: &str = "CREATE TABLE IF NOT EXISTS dbwarden_meta (\
    meta_key VARCHAR(64) NOT NULL PRIMARY KEY, meta_value VARCHAR(255) NOT NULL)";

const SELECT_ROWS: &str = "SELECT version, name, checksum_up, checksum_down, canonical_up, \
    canonical_down, status, statements_done, statements_total, error, applied_at, duration_ms, \
    applied_by, host FROM dbwarden_migrations ORDER BY version";

/// Reads and writes the history table through an engine.
pub struct History;

impl History {
    /// Creates the tables if missing and checks the format marker. Refuses a history written by
    /// a newer dbwarden.
    pub async fn ensure(engine: &mut dyn Engine) -> Result<(), MigrateError> {
        let format = Self::format(engine).await?;
        match format {
            Some(f) if f > HISTORY_FORMAT => {
                return Err(MigrateError::NewerHistory {
                    found: f,
                    supported: HISTORY_FORMAT,
                });
            }
            Some(_) => return Ok(()),
            None => {}
        }
        engine.execute(CREATE_HISTORY).await?;
        engine.execute(CREATE_META).await?;
        let insert = match engine.dialect() {
            Dialect::Mysql => {
                "INSERT IGNORE INTO dbwarden_meta (meta_key, meta_value) VALUES ('history_format', ?)"
            }
            _ => {
                "INSERT INTO dbwarden_meta (meta_key, meta_value) VALUES ('history_format', ?) ON CONFLICT (meta_key) DO NOTHING"
            }
        };
        engine
            .execute_with(insert, &[Value::Text(HISTORY_FORMAT.to_string())])
            .await?;
        Ok(())
    }

    /// The format marker, or `None` where dbwarden has never run.
    pub async fn format(engine: &mut dyn Engine) -> Result<Option<i64>, MigrateError> {
        let tables = engine
            .query(&meta_exists_query(engine.dialect()), &[])
            .await?;
        if tables.is_empty() {
            return Ok(None);
        }
        let rows = engine
            .query(
                "SELECT meta_value FROM dbwarden_meta WHERE meta_key = 'history_format'",
                &[],
            )
            .await?;
        Ok(rows.first().and_then(|r| r.first()).and_then(Value::as_i64))
    }

    /// All rows, by version. Empty where the table does not exist yet; refuses a history
    /// written by a newer dbwarden, whose rows this one might misread.
    pub async fn rows(engine: &mut dyn Engine) -> Result<Vec<HistoryRow>, MigrateError> {
        match Self::format(engine).await? {
            None => return Ok(Vec::new()),
            Some(found) if found > HISTORY_FORMAT => {
                return Err(MigrateError::NewerHistory {
                    found,
                    supported: HISTORY_FORMAT,
                });
            }
            Some(_) => {}
        }
        let rows = engine.query(SELECT_ROWS, &[]).await?;
        Ok(rows.iter().map(|r| row_from_values(r)).collect())
    }

    /// Inserts a row.
    pub async fn insert(engine: &mut dyn Engine, row: &HistoryRow) -> Result<(), MigrateError> {
        engine
            .execute_with(
                "INSERT INTO dbwarden_migrations (version, name, checksum_up, checksum_down, \
                 canonical_up, canonical_down, status, statements_done, statements_total, error, \
                 applied_at, duration_ms, applied_by, host, dbwarden_version) \
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                &[
                    version_value(row.version)?,
                    Value::Text(row.name.clone()),
                    Value::Text(row.checksum_up.clone()),
                    row.checksum_down.clone().into(),
                    Value::Text(row.canonical_up.clone()),
                    row.canonical_down.clone().into(),
                    Value::Text(row.status.as_str().into()),
                    Value::Int(row.statements_done),
                    Value::Int(row.statements_total),
                    row.error.clone().into(),
                    Value::Text(row.applied_at.clone()),
                    Value::Int(row.duration_ms),
                    Value::Text(row.applied_by.clone()),
                    Value::Text(row.host.clone()),
                    Value::Text(env!("CARGO_PKG_VERSION").into()),
                ],
            )
            .await?;
        Ok(())
    }

    /// Records progress of a non-transactional migration.
    pub async fn update_progress(
        engine: &mut dyn Engine,
        version: u64,
        status: RowStatus,
        statements_done: i64,
        error: Option<String>,
        duration_ms: i64,
    ) -> Result<(), MigrateError> {
        engine
            .execute_with(
                "UPDATE dbwarden_migrations SET status = ?, statements_done = ?, error = ?, \
                 duration_ms = ? WHERE version = ?",
                &[
                    Value::Text(status.as_str().into()),
                    Value::Int(statements_done),
                    error.into(),
                    Value::Int(duration_ms),
                    version_value(version)?,
                ],
            )
            .await?;
        Ok(())
    }

    /// Replaces the stored checksums (after `rehash`, or a resumed migration whose file was fixed).
    pub async fn update_checksums(
        engine: &mut dyn Engine,
        version: u64,
        checksum_up: &str,
        checksum_down: Option<&str>,
        canonical_up: &str,
        canonical_down: Option<&str>,
    ) -> Result<(), MigrateError> {
        engine
            .execute_with(
                "UPDATE dbwarden_migrations SET checksum_up = ?, checksum_down = ?, canonical_up = ?, \
                 canonical_down = ? WHERE version = ?",
                &[
                    Value::Text(checksum_up.into()),
                    checksum_down.map(str::to_owned).into(),
                    Value::Text(canonical_up.into()),
                    canonical_down.map(str::to_owned).into(),
                    version_value(version)?,
                ],
            )
            .await?;
        Ok(())
    }

    /// Deletes a row (after a rollback).
    pub async fn delete(engine: &mut dyn Engine, version: u64) -> Result<(), MigrateError> {
        engine
            .execute_with(
                "DELETE FROM dbwarden_migrations WHERE version = ?",
                &[version_value(version)?],
            )
            .await?;
        Ok(())
    }
}

fn version_value(version: u64) -> Result<Value, MigrateError> {
    i64::try_from(version)
        .map(Value::Int)
        .map_err(|_| MigrateError::VersionTooLarge {
            version: version.to_string(),
        })
}

fn meta_exists_query(dialect: Dialect) -> String {
    match dialect {
        Dialect::Postgres => {
            "SELECT 1 FROM pg_catalog.pg_tables WHERE tablename = 'dbwarden_meta' \
             AND schemaname = ANY (current_schemas(false))"
                .into()
        }
        Dialect::Mysql => {
            "SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() \
             AND TABLE_NAME = 'dbwarden_meta'"
                .into()
        }
        Dialect::Sqlite => {
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'dbwarden_meta'".into()
        }
    }
}

fn row_from_values(r: &[Value]) -> HistoryRow {
    let text = |i: usize| r.get(i).and_then(Value::as_string).unwrap_or_default();
    let opt = |i: usize| r.get(i).and_then(Value::as_string);
    let int = |i: usize| r.get(i).and_then(Value::as_i64).unwrap_or(0);
    HistoryRow {
        version: u64::try_from(int(0)).unwrap_or(0),
        name: text(1),
        checksum_up: text(2).trim().to_owned(),
        checksum_down: opt(3).map(|s| s.trim().to_owned()),
        canonical_up: text(4).trim().to_owned(),
        canonical_down: opt(5).map(|s| s.trim().to_owned()),
        status: RowStatus::parse(&text(6)),
        statements_done: int(7),
        statements_total: int(8),
        error: opt(9),
        applied_at: text(10),
        duration_ms: int(11),
        applied_by: text(12),
        host: text(13),
    }
}
