//! User assertions: `NNNN_name.check.sql` beside a migration holds queries that must return no
//! rows, or one row whose single value is true. `-- dbwarden:pre` and `-- dbwarden:post` lines
//! say when the queries below them run (before or after the migration; after when unmarked).

use dbwarden_core::Dialect;
use dbwarden_engine::{Engine, Value};
use serde::Serialize;
use std::path::{Path, PathBuf};

/// When a check runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckPhase {
    /// Before the migration.
    Pre,
    /// After the migration.
    Post,
}

/// One query of a check file.
#[derive(Debug, Clone)]
pub struct CheckQuery {
    /// When it runs.
    pub phase: CheckPhase,
    /// Its 1-based line.
    pub line: usize,
    /// The query.
    pub sql: String,
}

/// A parsed check file.
#[derive(Debug, Clone)]
pub struct CheckFile {
    /// Where it is.
    pub path: PathBuf,
    /// Its queries in file order.
    pub queries: Vec<CheckQuery>,
}

/// The result of one check.
#[derive(Debug, Clone, Serialize)]
pub struct CheckOutcome {
    /// `file:line`.
    pub location: String,
    /// When it ran.
    pub phase: CheckPhase,
    /// Whether it held.
    pub passed: bool,
    /// What it returned when it did not hold.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub detail: String,
}

impl CheckFile {
    /// The check file for the migration whose up script is `up_script` (`0003_x.up.sql` →
    /// `0003_x.check.sql`), if there is one.
    pub fn beside(up_script: &Path, dialect: Dialect) -> Result<Option<CheckFile>, String> {
        let name = up_script
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let Some(stem) = name.strip_suffix(".up.sql") else {
            return Ok(None);
        };
        let path = up_script.with_file_name(format!("{stem}.check.sql"));
        if !path.is_file() {
            return Ok(None);
        }
        CheckFile::load(&path, dialect).map(Some)
    }

    /// Reads and splits a check file.
    pub fn load(path: &Path, dialect: Dialect) -> Result<CheckFile, String> {
        let source = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let statements = dbwarden_sql::split(&source, dialect)
            .map_err(|e| format!("{}: {e}", path.display()))?;
        // Phase markers, by byte offset.
        let mut markers = Vec::new();
        let mut offset = 0;
        for line in source.split_inclusive('\n') {
            match line.trim() {
                "-- dbwarden:pre" => markers.push((offset, CheckPhase::Pre)),
                "-- dbwarden:post" => markers.push((offset, CheckPhase::Post)),
                _ => {}
            }
            offset += line.len();
        }
        let queries = statements
            .into_iter()
            .map(|s| CheckQuery {
                phase: markers
                    .iter()
                    .rev()
                    .find(|(at, _)| *at < s.span.start)
                    .map_or(CheckPhase::Post, |(_, p)| *p),
                line: s.line,
                sql: s.sql,
            })
            .collect();
        Ok(CheckFile {
            path: path.to_path_buf(),
            queries,
        })
    }
}

fn is_true(value: &Value) -> bool {
    match value {
        Value::Bool(b) => *b,
        Value::Int(i) => *i == 1,
        Value::Text(t) => matches!(t.trim().to_ascii_lowercase().as_str(), "t" | "true" | "1"),
        _ => false,
    }
}

/// Runs the file's queries of `phase`. A query that fails to run counts as a failed check.
pub async fn run_checks(
    engine: &mut dyn Engine,
    file: &CheckFile,
    phase: CheckPhase,
) -> Vec<CheckOutcome> {
    let mut outcomes = Vec::new();
    for query in file.queries.iter().filter(|q| q.phase == phase) {
        let location = format!("{}:{}", file.path.display(), query.line);
        let (passed, detail) = match engine.query(&query.sql, &[]).await {
            Err(e) => (false, format!("the query failed: {e}")),
            Ok(rows) if rows.is_empty() => (true, String::new()),
            Ok(rows) if rows.len() == 1 && rows[0].len() == 1 && is_true(&rows[0][0]) => {
                (true, String::new())
            }
            Ok(rows) => (
                false,
                format!(
                    "returned {} row(s); first: {}",
                    rows.len(),
                    rows[0]
                        .iter()
                        .map(|v| v.as_string().unwrap_or_else(|| "NULL".into()))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ),
        };
        outcomes.push(CheckOutcome {
            location,
            phase,
            passed,
            detail,
        });
    }
    outcomes
}
