//! Impact assessment with a live database (`dbwarden lint --impact` / `--database-url`): for
//! each statement that touches an existing table, the table's size from the catalog, the lock
//! the statement takes, whether it rewrites or scans the table, and a duration class; a
//! warning whose statement rewrites or scans a large table is raised to an error.
//!
//! The SQL facts (lock, rewrite, scan) come from the pure linter
//! ([`dbwarden_lint::statement_effects`]); this module only adds what the catalog knows.
//!
//! Sizes:
//! - rows: PostgreSQL `pg_class.reltuples` and MySQL `information_schema.TABLES.TABLE_ROWS`
//!   (estimates, kept by ANALYZE / InnoDB statistics); SQLite `SELECT count(*)` (exact).
//! - bytes: [`Engine::table_bytes`] (PostgreSQL `pg_total_relation_size`, MySQL
//!   `DATA_LENGTH + INDEX_LENGTH`, SQLite `dbstat` when built in).
//!
//! Duration classes ([`duration_class`]): a statement that neither rewrites nor scans changes
//! only the catalog and is `instant` (once it has its lock). Otherwise the time is estimated
//! from the bytes (or, without them, rows × [`ASSUMED_ROW_BYTES`]) at
//! [`REWRITE_BYTES_PER_SECOND`] (100 MB/s) for a rewrite and [`SCAN_BYTES_PER_SECOND`]
//! (250 MB/s) for a scan or index build: under 1 s `instant`, under 60 s `seconds`, under
//! 1 h `minutes`, else `hours`; `unknown` when neither size is known.

use dbwarden_core::{Dialect, QualifiedName, quote_ident};
use dbwarden_engine::{Engine, Value};
use dbwarden_lint::{
    Finding, LintConfig, LintInput, LintReport, Severity, StatementEffect, TableName, effect_of,
    statement_effects,
};
use serde::Serialize;
use std::collections::HashMap;

/// Rows above which a rewrite or scan raises a warning to an error, unless configured
/// (`[lint] large_table_rows` in `dbwarden.toml`, `--large-table-rows`).
pub const DEFAULT_LARGE_TABLE_ROWS: u64 = 1_000_000;
/// Assumed speed of a table rewrite (a new copy of every row and every index).
pub const REWRITE_BYTES_PER_SECOND: u64 = 100 * 1_000_000;
/// Assumed speed of a scan or an index build (reading every row).
pub const SCAN_BYTES_PER_SECOND: u64 = 250 * 1_000_000;
/// Bytes per row assumed when the catalog gives rows but no size.
pub const ASSUMED_ROW_BYTES: u64 = 100;

/// How long the statement holds its lock, roughly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DurationClass {
    /// Under a second: a catalog change, or a small table.
    Instant,
    /// Under a minute.
    Seconds,
    /// Under an hour.
    Minutes,
    /// An hour or more.
    Hours,
    /// The table's size is not known.
    Unknown,
}

impl DurationClass {
    /// The class's name, as in JSON.
    pub fn name(self) -> &'static str {
        match self {
            DurationClass::Instant => "instant",
            DurationClass::Seconds => "seconds",
            DurationClass::Minutes => "minutes",
            DurationClass::Hours => "hours",
            DurationClass::Unknown => "unknown",
        }
    }
}

/// The duration class of a statement on a table of `bytes` (or `rows`) that rewrites or scans
/// it (see the module documentation for the thresholds).
pub fn duration_class(
    rows: Option<u64>,
    bytes: Option<u64>,
    rewrites: bool,
    scans: bool,
) -> DurationClass {
    if !rewrites && !scans {
        return DurationClass::Instant;
    }
    let Some(bytes) = bytes.or_else(|| rows.map(|rows| rows.saturating_mul(ASSUMED_ROW_BYTES)))
    else {
        return DurationClass::Unknown;
    };
    let speed = if rewrites {
        REWRITE_BYTES_PER_SECOND
    } else {
        SCAN_BYTES_PER_SECOND
    };
    match bytes / speed {
        0 => DurationClass::Instant,
        1..60 => DurationClass::Seconds,
        60..3600 => DurationClass::Minutes,
        _ => DurationClass::Hours,
    }
}

/// Settings of the assessment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImpactOptions {
    /// Rows above which a warning on a rewrite or scan becomes an error.
    pub large_table_rows: u64,
}

impl Default for ImpactOptions {
    fn default() -> Self {
        ImpactOptions {
            large_table_rows: DEFAULT_LARGE_TABLE_ROWS,
        }
    }
}

/// What one statement does to one existing table of the live database.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Impact {
    /// The table, as written in the statement.
    pub table: String,
    /// Rows (estimate on PostgreSQL and MySQL, exact count on SQLite), when known.
    pub rows: Option<u64>,
    /// Bytes on disk with indexes, when known.
    pub bytes: Option<u64>,
    /// The lock taken, by its name in the engine's manual.
    pub lock: Option<String>,
    /// Whether reads of the table wait while the statement runs.
    pub blocks_reads: bool,
    /// Whether writes to the table wait while the statement runs.
    pub blocks_writes: bool,
    /// Whether every row is written again.
    pub rewrites: bool,
    /// Whether every row is read.
    pub scans: bool,
    /// Roughly how long it takes (see [`duration_class`]).
    pub duration: DurationClass,
    /// Whether the table has more rows than [`ImpactOptions::large_table_rows`].
    pub large_table: bool,
    /// Whether the finding's severity was raised from warning to error because the statement
    /// rewrites or scans a large table.
    pub severity_raised: bool,
}

impl Impact {
    /// One line for people: `orders: ~1200000 rows, 96.0 MB; ACCESS EXCLUSIVE lock blocks
    /// reads and writes; rewrites the table; duration: seconds`.
    pub fn summary(&self) -> String {
        let size = match (self.rows, self.bytes) {
            (Some(rows), Some(bytes)) => {
                format!("~{rows} rows, {}", crate::units::human_bytes(bytes))
            }
            (Some(rows), None) => format!("~{rows} rows"),
            (None, Some(bytes)) => crate::units::human_bytes(bytes),
            (None, None) => "size unknown".into(),
        };
        let blocks = match (self.blocks_reads, self.blocks_writes) {
            (true, true) => "blocks reads and writes",
            (true, false) => "blocks reads",
            (false, true) => "blocks writes",
            (false, false) => "blocks neither reads nor writes",
        };
        let lock = match &self.lock {
            Some(lock) => format!("{lock} lock {blocks}"),
            None => "no table lock".into(),
        };
        let work = match (self.rewrites, self.scans) {
            (true, _) => "rewrites the table",
            (false, true) => "scans the table",
            (false, false) => "catalog change only",
        };
        let raised = if self.severity_raised {
            " (raised to error: large table)"
        } else {
            ""
        };
        format!(
            "{}: {size}; {lock}; {work}; duration: {}{raised}",
            self.table,
            self.duration.name()
        )
    }
}

/// A statement that touches an existing table, with its impact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatementImpact {
    /// The migration file.
    pub file: String,
    /// 1-based line where the statement starts.
    pub line: usize,
    /// The statement's first line.
    pub excerpt: String,
    /// Its impact.
    pub impact: Impact,
}

/// The impact of the linted files on the live database.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Assessment {
    /// Per report, per finding (same order as [`LintReport::findings`]): the impact of the
    /// finding's statement, when it touches a table of the live database.
    pub findings: Vec<Vec<Option<Impact>>>,
    /// Every statement that touches a table of the live database, in file order.
    pub statements: Vec<StatementImpact>,
}

impl Assessment {
    /// The impact of finding `index` of report `report`.
    pub fn of(&self, report: usize, index: usize) -> Option<&Impact> {
        self.findings.get(report)?.get(index)?.as_ref()
    }
}

/// The size of a table, or `None` when the live database has no such table.
type Size = Option<(Option<u64>, Option<u64>)>;

/// Assesses `reports` (from linting `inputs` with `config`, in the same order) against the
/// database `engine` is connected to, and raises the severity of warnings on large tables in
/// place. Statements on tables the database does not have (created by an earlier, not yet
/// applied migration) get no impact.
pub async fn assess(
    engine: &mut dyn Engine,
    inputs: &[LintInput<'_>],
    config: &LintConfig,
    reports: &mut [LintReport],
    options: ImpactOptions,
) -> Assessment {
    let mut sizes: HashMap<(Option<String>, String), Size> = HashMap::new();
    let mut assessment = Assessment::default();
    for (input, report) in inputs.iter().zip(reports.iter_mut()) {
        let effects = statement_effects(input, config);
        let mut impacts: Vec<Option<Impact>> = Vec::with_capacity(effects.len());
        for effect in &effects {
            let impact = match &effect.table_name {
                Some(name) => {
                    let key = (name.schema.clone(), name.name.clone());
                    let size = match sizes.get(&key) {
                        Some(size) => *size,
                        None => {
                            let size = table_size(engine, name).await;
                            sizes.insert(key, size);
                            size
                        }
                    };
                    size.map(|(rows, bytes)| impact_of(effect, rows, bytes, options))
                }
                None => None,
            };
            if let Some(impact) = &impact {
                assessment.statements.push(StatementImpact {
                    file: input.path.to_string(),
                    line: effect.start.0,
                    excerpt: effect.excerpt.clone(),
                    impact: impact.clone(),
                });
            }
            impacts.push(impact);
        }
        let per_finding = report
            .findings
            .iter_mut()
            .map(|finding| finding_impact(finding, &effects, &impacts))
            .collect();
        assessment.findings.push(per_finding);
    }
    assessment
}

/// The impact of `finding`'s statement, raising the finding to an error when it is a warning
/// on a rewrite or scan of a large table.
fn finding_impact(
    finding: &mut Finding,
    effects: &[StatementEffect],
    impacts: &[Option<Impact>],
) -> Option<Impact> {
    let effect = effect_of(effects, finding)?;
    let index = effects
        .iter()
        .position(|other| std::ptr::eq(other, effect))?;
    let mut impact = impacts.get(index)?.clone()?;
    if finding.severity == Severity::Warning
        && impact.large_table
        && (impact.rewrites || impact.scans)
    {
        finding.severity = Severity::Error;
        impact.severity_raised = true;
    }
    Some(impact)
}

fn impact_of(
    effect: &StatementEffect,
    rows: Option<u64>,
    bytes: Option<u64>,
    options: ImpactOptions,
) -> Impact {
    Impact {
        table: effect.table.clone(),
        rows,
        bytes,
        lock: effect.lock.map(str::to_string),
        blocks_reads: effect.blocks_reads,
        blocks_writes: effect.blocks_writes,
        rewrites: effect.rewrites,
        scans: effect.scans,
        duration: duration_class(rows, bytes, effect.rewrites, effect.scans),
        large_table: rows.is_some_and(|rows| rows > options.large_table_rows),
        severity_raised: false,
    }
}

/// Rows and bytes of `name`, or `None` when the table does not exist.
async fn table_size(engine: &mut dyn Engine, name: &TableName) -> Size {
    let table = QualifiedName {
        schema: name.schema.clone(),
        name: name.name.clone(),
    };
    match engine.dialect() {
        Dialect::Postgres => {
            // `::regclass` fails for a table that does not exist.
            let rows = engine.estimated_rows(&table).await.ok()?;
            let bytes = engine.table_bytes(&table).await.ok().flatten();
            Some((rows, bytes))
        }
        Dialect::Mysql => {
            let rows = engine.estimated_rows(&table).await.ok().flatten();
            let bytes = engine.table_bytes(&table).await.ok().flatten();
            // information_schema has no row for a table that does not exist.
            (rows.is_some() || bytes.is_some()).then_some((rows, bytes))
        }
        Dialect::Sqlite => {
            let count = sqlite_count(engine, &table).await?;
            let bytes = engine.table_bytes(&table).await.ok().flatten();
            Some((Some(count), bytes))
        }
    }
}

/// Rows of `table`: the catalog's estimate, or on SQLite, which keeps none, an exact count.
/// `None` when the table does not exist or its size cannot be read.
pub(crate) async fn table_rows(engine: &mut dyn Engine, table: &QualifiedName) -> Option<u64> {
    match engine.dialect() {
        Dialect::Sqlite => sqlite_count(engine, table).await,
        Dialect::Postgres | Dialect::Mysql => engine.estimated_rows(table).await.ok().flatten(),
    }
}

async fn sqlite_count(engine: &mut dyn Engine, table: &QualifiedName) -> Option<u64> {
    let sql = format!(
        "SELECT count(*) FROM {}",
        quote_ident(Dialect::Sqlite, &table.name)
    );
    let rows = engine.query(&sql, &[]).await.ok()?;
    match rows.first().and_then(|row| row.first()) {
        Some(Value::Int(count)) => u64::try_from(*count).ok(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MB: u64 = 1_000_000;

    #[test]
    fn catalog_changes_are_instant_whatever_the_size() {
        assert_eq!(
            duration_class(Some(u64::MAX), Some(u64::MAX), false, false),
            DurationClass::Instant
        );
    }

    #[test]
    fn rewrites_are_timed_at_100_mb_per_second() {
        assert_eq!(
            duration_class(None, Some(99 * MB), true, false),
            DurationClass::Instant
        );
        assert_eq!(
            duration_class(None, Some(100 * MB), true, false),
            DurationClass::Seconds
        );
        assert_eq!(
            duration_class(None, Some(6_000 * MB), true, false),
            DurationClass::Minutes
        );
        assert_eq!(
            duration_class(None, Some(360_000 * MB), true, false),
            DurationClass::Hours
        );
    }

    #[test]
    fn scans_are_faster_than_rewrites() {
        assert_eq!(
            duration_class(None, Some(200 * MB), false, true),
            DurationClass::Instant
        );
        assert_eq!(
            duration_class(None, Some(200 * MB), true, false),
            DurationClass::Seconds
        );
        assert_eq!(
            duration_class(None, Some(15_000 * MB), false, true),
            DurationClass::Minutes
        );
    }

    #[test]
    fn rows_stand_in_for_bytes_and_nothing_is_unknown() {
        // 10 million rows × 100 bytes = 1 GB: 10 s to rewrite.
        assert_eq!(
            duration_class(Some(10_000_000), None, true, false),
            DurationClass::Seconds
        );
        assert_eq!(
            duration_class(None, None, true, true),
            DurationClass::Unknown
        );
        assert_eq!(
            duration_class(Some(u64::MAX), None, true, false),
            DurationClass::Hours
        );
    }

    #[test]
    fn summary_names_size_lock_and_work() {
        let impact = Impact {
            table: "orders".into(),
            rows: Some(1_200_000),
            bytes: Some(96 * MB),
            lock: Some("ACCESS EXCLUSIVE".into()),
            blocks_reads: true,
            blocks_writes: true,
            rewrites: true,
            scans: false,
            duration: DurationClass::Instant,
            large_table: true,
            severity_raised: true,
        };
        let text = impact.summary();
        assert!(text.contains("~1200000 rows, 91.6MB"), "{text}");
        assert!(
            text.contains("ACCESS EXCLUSIVE lock blocks reads and writes"),
            "{text}"
        );
        assert!(text.contains("rewrites the table"), "{text}");
        assert!(text.contains("raised to error"), "{text}");
    }
}
