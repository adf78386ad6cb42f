//! Data validation: fingerprints of every table before and after a change, a comparison that
//! explains each difference (and says which ones the migration intended), and the user's own
//! assertions in `NNNN_name.check.sql` files.

mod checks;
mod compare;
mod live;

pub use checks::{CheckFile, CheckOutcome, CheckPhase, CheckQuery, run_checks};
pub use compare::{Difference, Intent, compare};
pub use live::{
    CaptureHooks, ConcurrentWrites, LiveCapture, MergeScope, row_key, snapshot_live,
    without_concurrent_writes,
};

use dbwarden_core::{Table, model::IndexKey};
use dbwarden_engine::data::key_label;
use dbwarden_engine::{Engine, EngineError, FingerprintSpec, TableFingerprint};
use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

/// What to measure in `table`: every column, and the primary key and unique keys made of
/// plain columns.
pub fn fingerprint_spec(table: &Table, column_checksums: bool) -> FingerprintSpec {
    let mut unique_keys: Vec<Vec<String>> = Vec::new();
    if let Some(pk) = &table.primary_key {
        unique_keys.push(pk.columns.clone());
    }
    unique_keys.extend(table.uniques.iter().map(|u| u.columns.clone()));
    for index in table
        .indexes
        .iter()
        .filter(|i| i.unique && i.predicate.is_none())
    {
        let columns: Option<Vec<String>> = index
            .parts
            .iter()
            .map(|p| match &p.key {
                IndexKey::Column(c) => Some(c.clone()),
                IndexKey::Expression(_) => None,
            })
            .collect();
        if let Some(columns) = columns
            && !unique_keys.contains(&columns)
        {
            unique_keys.push(columns);
        }
    }
    FingerprintSpec {
        columns: table.columns.iter().map(|c| c.name.clone()).collect(),
        unique_keys,
        column_checksums,
        bucketing: None,
    }
}

/// Each way `found` differs from `expected`, as "figure: expected X, found Y".
pub fn fingerprint_differences(
    expected: &TableFingerprint,
    found: &TableFingerprint,
) -> Vec<String> {
    let mut out = Vec::new();
    if expected.rows != found.rows {
        out.push(format!(
            "rows: expected {}, found {}",
            expected.rows, found.rows
        ));
    }
    for (column, nulls) in &expected.nulls {
        match found.nulls.get(column) {
            Some(n) if n != nulls => {
                out.push(format!("NULLs in {column}: expected {nulls}, found {n}"));
            }
            None => out.push(format!("column {column}: missing")),
            _ => {}
        }
    }
    for (key, distinct) in &expected.distinct {
        if let Some(n) = found.distinct.get(key)
            && n != distinct
        {
            out.push(format!(
                "distinct values of ({key}): expected {distinct}, found {n}"
            ));
        }
    }
    if expected.checksum != found.checksum && expected.nulls.len() == found.nulls.len() {
        out.push(format!(
            "content checksum: expected {}, found {}",
            expected.checksum, found.checksum
        ));
    }
    out
}

/// Fingerprints of a database's tables at one moment.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Snapshot {
    /// When it was taken (RFC 3339 UTC).
    pub taken_at: String,
    /// The database (redacted URL).
    pub database: String,
    /// Per table (qualified name as text).
    pub tables: IndexMap<String, TableFingerprint>,
}

impl Snapshot {
    /// Rows over all tables.
    pub fn total_rows(&self) -> u64 {
        self.tables.values().map(|t| t.rows).sum()
    }
}

/// Fingerprints every user table (or the `only` ones) in one consistent snapshot.
/// `column_checksums` adds a checksum per column, so a later comparison can still compare the
/// columns a migration kept when it added or dropped others.
pub async fn snapshot(
    engine: &mut dyn Engine,
    database: &str,
    only: Option<&[String]>,
    column_checksums: bool,
) -> Result<Snapshot, EngineError> {
    snapshot_with(engine, database, only, |table| {
        fingerprint_spec(table, column_checksums)
    })
    .await
}

/// [`snapshot`] with the fingerprint of each table specified by `spec_of`.
pub(crate) async fn snapshot_with(
    engine: &mut dyn Engine,
    database: &str,
    only: Option<&[String]>,
    spec_of: impl Fn(&Table) -> FingerprintSpec,
) -> Result<Snapshot, EngineError> {
    let schema = engine.introspect().await?;
    engine.begin_snapshot().await?;
    let mut tables = IndexMap::new();
    let mut outcome = Ok(());
    for table in &schema.tables {
        let name = table.name.to_string();
        if only.is_some_and(|only| !only.iter().any(|o| *o == name || *o == table.name.name)) {
            continue;
        }
        match engine.fingerprint(&table.name, &spec_of(table)).await {
            Ok(f) => {
                tables.insert(name, f);
            }
            Err(e) => {
                outcome = Err(e);
                break;
            }
        }
    }
    let ended = engine.rollback().await;
    outcome?;
    ended?;
    Ok(Snapshot {
        taken_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        database: database.to_owned(),
        tables,
    })
}

/// The label of a unique key, as fingerprints name it.
pub fn unique_key_label(columns: &[String]) -> String {
    key_label(columns)
}
