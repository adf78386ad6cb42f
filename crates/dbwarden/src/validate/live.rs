//! Validation under live writes: while the application goes on writing the tables a migration
//! changes, a before/after comparison of whole-table fingerprints sees the application's rows
//! as differences. Here the watched tables get capture triggers (see
//! [`dbwarden_engine::capture`]) that record the keys the application writes, fingerprints are
//! split into groups by a hash of the key, and the comparison leaves out only the groups that
//! hold an application write. Every other row must come through the migration as its
//! statements say, so a migration that loses or alters rows is still caught under load.

use super::{Snapshot, fingerprint_spec};
use dbwarden_core::{Dialect, QualifiedName, Schema, Table};
use dbwarden_engine::{Bucketing, Engine, EngineError, TableFingerprint, Value, capture};
use indexmap::IndexMap;
use serde::Serialize;
use std::collections::HashSet;

/// What the capture saw on one table.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ConcurrentWrites {
    /// Row writes by other sessions (an update counts its old and new key).
    pub writes: u64,
    /// Groups left out of the comparison because they hold such a write.
    pub groups_left_out: usize,
    /// Groups the table was split into.
    pub groups: u32,
    #[serde(skip)]
    dirty: HashSet<u32>,
}

/// One watched table with capture installed.
#[derive(Debug, Clone)]
struct Watched {
    name: QualifiedName,
    bucketing: Bucketing,
}

/// Capture triggers on the tables of one run.
#[derive(Debug, Clone)]
pub struct LiveCapture {
    dialect: Dialect,
    tables: Vec<Watched>,
    /// Tables watched without capture, and why (no key; the migration changes the key).
    pub uncaptured: Vec<(String, String)>,
}

/// The key that identifies a table's rows: the primary key, else a unique constraint whose
/// columns are all NOT NULL.
fn row_key(table: &Table) -> Option<Vec<String>> {
    if let Some(pk) = &table.primary_key {
        return Some(pk.columns.clone());
    }
    table
        .uniques
        .iter()
        .find(|u| {
            u.columns.iter().all(|c| {
                table
                    .columns
                    .iter()
                    .any(|col| &col.name == c && !col.nullable)
            })
        })
        .map(|u| u.columns.clone())
}

impl LiveCapture {
    /// Sweeps capture triggers left by an earlier run that died, then installs capture on each
    /// table of `watched` that exists in `schema` and has a key. `estimated_rows` sizes the
    /// groups. `unsafe_keys` names tables whose key columns the migration drops or renames: a
    /// MySQL trigger naming a dropped column would fail the application's writes, so those
    /// are watched without capture. Each statement runs with a short lock wait (`lock_wait`).
    pub async fn install(
        engine: &mut dyn Engine,
        schema: &Schema,
        watched: &[String],
        unsafe_keys: &[String],
        lock_wait: &crate::locks::LockPolicy,
        on_wait: &(dyn Fn(&crate::locks::LockWait) + Send + Sync),
    ) -> Result<LiveCapture, EngineError> {
        let dialect = engine.dialect();
        sweep(engine, lock_wait, on_wait).await?;
        let mut capture = LiveCapture {
            dialect,
            tables: Vec::new(),
            uncaptured: Vec::new(),
        };
        for table in &schema.tables {
            let label = table.name.to_string();
            if !watched.iter().any(|w| *w == label || *w == table.name.name) {
                continue;
            }
            let Some(key) = row_key(table) else {
                capture
                    .uncaptured
                    .push((label, "no primary key or NOT NULL unique key".into()));
                continue;
            };
            if dialect == Dialect::Mysql && unsafe_keys.contains(&table.name.name) {
                capture.uncaptured.push((
                    label,
                    "the migration drops or renames a key column, which a trigger names".into(),
                ));
                continue;
            }
            let rows = engine
                .estimated_rows(&table.name)
                .await
                .ok()
                .flatten()
                .unwrap_or(0);
            let mut statements = capture::ensure_tables(dialect, &table.name);
            statements.extend(capture::remove(dialect, &table.name, true));
            statements.extend(capture::install(dialect, &table.name, &key));
            for sql in statements {
                lock_wait.execute(engine, &sql, on_wait).await?;
            }
            capture.tables.push(Watched {
                name: table.name.clone(),
                bucketing: Bucketing::for_rows(key, rows),
            });
        }
        if let Some(sql) = capture::exempt_session(dialect) {
            engine.execute(sql).await?;
        }
        Ok(capture)
    }

    /// The grouping of `table`'s fingerprint, when it is captured.
    fn bucketing(&self, table: &QualifiedName) -> Option<&Bucketing> {
        self.tables
            .iter()
            .find(|w| w.name == *table)
            .map(|w| &w.bucketing)
    }

    /// Whether any table is captured.
    pub fn is_active(&self) -> bool {
        !self.tables.is_empty()
    }

    /// What the application wrote to each captured table since the capture began.
    pub async fn writes(
        &self,
        engine: &mut dyn Engine,
    ) -> Result<IndexMap<String, ConcurrentWrites>, EngineError> {
        let mut out = IndexMap::new();
        for w in &self.tables {
            let sql = capture::dirty_buckets(self.dialect, &w.name, &w.bucketing);
            let rows = match engine.query(&sql, &[]).await {
                Ok(rows) => rows,
                // The table the triggers wrote to went with a dropped schema.
                Err(_) if self.dialect == Dialect::Postgres => Vec::new(),
                Err(e) => return Err(e),
            };
            let mut seen = ConcurrentWrites {
                groups: w.bucketing.buckets,
                ..ConcurrentWrites::default()
            };
            for row in rows {
                let count = row.get(1).and_then(Value::as_i64).unwrap_or(0);
                seen.writes += u64::try_from(count).unwrap_or(0);
                let bucket = match (self.dialect, row.first()) {
                    (Dialect::Sqlite, Some(v)) => capture::bucket_of_text(
                        v.as_string().unwrap_or_default().as_bytes(),
                        &w.bucketing,
                    ),
                    (_, Some(v)) => u32::try_from(v.as_i64().unwrap_or(0)).unwrap_or(0),
                    (_, None) => 0,
                };
                seen.dirty.insert(bucket);
            }
            seen.groups_left_out = seen.dirty.len();
            out.insert(w.name.to_string(), seen);
        }
        Ok(out)
    }

    /// Removes the triggers and the recorded keys. Safe to call more than once.
    pub async fn remove(&self, engine: &mut dyn Engine, lock_wait: &crate::locks::LockPolicy) {
        let existing = engine.table_names().await.unwrap_or_default();
        for w in &self.tables {
            let exists = existing.contains(&w.name.name);
            for sql in capture::remove(self.dialect, &w.name, exists) {
                if let Err(e) = lock_wait.execute(engine, &sql, &|_| {}).await {
                    tracing::warn!(
                        "could not remove change capture from {} ({sql}): {e}; `dbwarden clean` removes it",
                        w.name
                    );
                }
            }
        }
    }

    /// SQLite only: statements that exempt a migration's transaction from capture, run first
    /// in it, and the ones that end the exemption and re-create triggers a table rebuild
    /// dropped, run last in it (see [`crate::migrate::TransactionHooks`]).
    pub fn sqlite_hooks(&self) -> Option<SqliteCaptureHooks> {
        (self.dialect == Dialect::Sqlite && self.is_active()).then(|| SqliteCaptureHooks {
            tables: self.tables.clone(),
        })
    }
}

/// Removes capture triggers that a run killed before its cleanup left behind. The caller holds
/// the runner's lock, so no other run's capture is live.
async fn sweep(
    engine: &mut dyn Engine,
    lock_wait: &crate::locks::LockPolicy,
    on_wait: &(dyn Fn(&crate::locks::LockWait) + Send + Sync),
) -> Result<(), EngineError> {
    let dialect = engine.dialect();
    for row in engine
        .query(&capture::leftover_triggers(dialect), &[])
        .await?
    {
        let text = |i: usize| row.get(i).and_then(Value::as_string).unwrap_or_default();
        let (schema, table) = (text(0), text(1));
        let name = QualifiedName {
            schema: (!schema.is_empty()).then_some(schema),
            name: table,
        };
        tracing::info!("removing change capture left by an earlier run on {name}");
        for sql in capture::remove(dialect, &name, true) {
            lock_wait.execute(engine, &sql, on_wait).await?;
        }
    }
    Ok(())
}

/// The transaction hooks of SQLite's capture.
#[derive(Debug, Clone)]
pub struct SqliteCaptureHooks {
    tables: Vec<Watched>,
}

#[async_trait::async_trait]
impl crate::migrate::TransactionHooks for SqliteCaptureHooks {
    async fn after_begin(&self, engine: &mut dyn Engine) -> Result<(), EngineError> {
        engine
            .execute(&capture::sqlite_exempt_begin())
            .await
            .map(|_| ())
    }

    async fn before_commit(&self, engine: &mut dyn Engine) -> Result<(), EngineError> {
        engine.execute(&capture::sqlite_exempt_end()).await?;
        // A rebuild (create new, copy, drop old, rename) drops the old table's triggers.
        let schema = engine.introspect().await?;
        for w in &self.tables {
            let Some(table) = schema.tables.iter().find(|t| t.name.name == w.name.name) else {
                continue;
            };
            let key_kept = w
                .bucketing
                .key
                .iter()
                .all(|k| table.columns.iter().any(|c| &c.name == k));
            if key_kept {
                for sql in capture::install(Dialect::Sqlite, &w.name, &w.bucketing.key) {
                    engine.execute(&sql).await?;
                }
            }
        }
        Ok(())
    }
}

/// Fingerprints the watched tables like [`super::snapshot`], split into groups for the captured
/// ones.
pub async fn snapshot_live(
    engine: &mut dyn Engine,
    database: &str,
    only: &[String],
    capture: &LiveCapture,
) -> Result<Snapshot, EngineError> {
    super::snapshot_with(engine, database, Some(only), |table| {
        let mut spec = fingerprint_spec(table, true);
        spec.bucketing = capture.bucketing(&table.name).cloned();
        spec
    })
    .await
}

/// Adds checksums printed by the engines (signed on PostgreSQL, unsigned 128-bit on SQLite),
/// modulo 2^128, so both sides of a comparison add the same way.
fn add_checksum(a: &str, b: &str) -> String {
    let parse = |s: &str| {
        s.parse::<i128>()
            .or_else(|_| s.parse::<u128>().map(|u| u as i128))
            .unwrap_or(0)
    };
    parse(a).wrapping_add(parse(b)).to_string()
}

/// `fingerprint` over the groups not in `dirty` only. NULL and distinct counts are not kept
/// per group, so on a table that took writes they are taken from `like` (the other side),
/// and compared no further.
fn restrict(
    fingerprint: &TableFingerprint,
    dirty: &HashSet<u32>,
    like: &TableFingerprint,
) -> TableFingerprint {
    let mut out = fingerprint.clone();
    if dirty.is_empty() {
        return out;
    }
    out.rows = 0;
    out.checksum = "0".into();
    for sum in out.column_checksums.values_mut() {
        *sum = "0".into();
    }
    for (bucket, figures) in &fingerprint.buckets {
        if dirty.contains(bucket) {
            continue;
        }
        out.rows += figures.rows;
        out.checksum = add_checksum(&out.checksum, &figures.checksum);
        for (column, sum) in &figures.column_checksums {
            if let Some(total) = out.column_checksums.get_mut(column) {
                *total = add_checksum(total, sum);
            }
        }
    }
    for (column, n) in out.nulls.iter_mut() {
        if let Some(other) = like.nulls.get(column) {
            *n = *other;
        }
    }
    for (key, n) in out.distinct.iter_mut() {
        if let Some(other) = like.distinct.get(key) {
            *n = *other;
        }
    }
    out.buckets.clear();
    out
}

/// `before` and `after` with every group that took an application write left out on both
/// sides, ready for [`super::compare`].
pub fn without_concurrent_writes(
    before: &Snapshot,
    after: &Snapshot,
    writes: &IndexMap<String, ConcurrentWrites>,
) -> (Snapshot, Snapshot) {
    let (mut b, mut a) = (before.clone(), after.clone());
    for (table, seen) in writes {
        if let (Some(old), Some(new)) = (before.tables.get(table), after.tables.get(table)) {
            b.tables
                .insert(table.clone(), restrict(old, &seen.dirty, new));
            a.tables
                .insert(table.clone(), restrict(new, &seen.dirty, new));
        }
    }
    (b, a)
}

#[cfg(test)]
mod tests {
    use super::*;
    use dbwarden_engine::BucketFigures;

    fn fp(buckets: &[(u32, u64, &str)]) -> TableFingerprint {
        TableFingerprint {
            rows: buckets.iter().map(|b| b.1).sum(),
            nulls: [("id".to_owned(), 0)].into_iter().collect(),
            distinct: IndexMap::new(),
            checksum: "x".into(),
            column_checksums: IndexMap::new(),
            buckets: buckets
                .iter()
                .map(|(b, rows, sum)| {
                    (
                        *b,
                        BucketFigures {
                            rows: *rows,
                            checksum: (*sum).into(),
                            column_checksums: IndexMap::new(),
                        },
                    )
                })
                .collect(),
        }
    }

    fn snap(f: TableFingerprint) -> Snapshot {
        Snapshot {
            taken_at: String::new(),
            database: String::new(),
            tables: [("t".to_owned(), f)].into_iter().collect(),
        }
    }

    fn writes(dirty: &[u32]) -> IndexMap<String, ConcurrentWrites> {
        let seen = ConcurrentWrites {
            writes: dirty.len() as u64,
            groups_left_out: dirty.len(),
            groups: 64,
            dirty: dirty.iter().copied().collect(),
        };
        [("t".to_owned(), seen)].into_iter().collect()
    }

    #[test]
    fn groups_the_application_wrote_are_left_out() {
        let before = snap(fp(&[(1, 10, "5"), (2, 10, "7")]));
        // Group 2 took an application insert; group 1 is untouched.
        let after = snap(fp(&[(1, 10, "5"), (2, 11, "9")]));
        let (b, a) = without_concurrent_writes(&before, &after, &writes(&[2]));
        assert!(super::super::compare(&b, &a, &Default::default()).is_empty());
    }

    #[test]
    fn a_row_lost_in_an_untouched_group_is_still_seen() {
        let before = snap(fp(&[(1, 10, "5"), (2, 10, "7")]));
        let after = snap(fp(&[(1, 9, "4"), (2, 11, "9")]));
        let (b, a) = without_concurrent_writes(&before, &after, &writes(&[2]));
        let found = super::super::compare(&b, &a, &Default::default());
        assert!(
            found
                .iter()
                .any(|d| d.figure == "rows" && d.expected == "10" && d.found == "9"),
            "{found:?}"
        );
    }

    #[test]
    fn checksums_add_modulo_2_to_128() {
        assert_eq!(add_checksum("-5", "7"), "2");
        let big = u128::MAX.to_string();
        assert_eq!(add_checksum(&big, "1"), "0");
    }
}
