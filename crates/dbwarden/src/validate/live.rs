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
pub fn row_key(table: &Table) -> Option<Vec<String>> {
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
    /// table of `watched` that exists in `schema` and has a key; the table's size (catalog
    /// estimate, or a count) sizes its groups. `unsafe_keys` names tables whose key columns the migration drops or renames: a
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
        sweep(engine, lock_wait, on_wait).await?;
        match Self::install_swept(engine, schema, watched, unsafe_keys, lock_wait, on_wait).await {
            Ok(capture) => Ok(capture),
            Err(e) => {
                // Triggers already on earlier tables must not outlive the failed start.
                if let Err(swept) = sweep(engine, lock_wait, &|_| {}).await {
                    tracing::warn!(
                        "could not remove the capture installed so far: {swept}; `dbwarden clean` removes it"
                    );
                }
                Err(e)
            }
        }
    }

    async fn install_swept(
        engine: &mut dyn Engine,
        schema: &Schema,
        watched: &[String],
        unsafe_keys: &[String],
        lock_wait: &crate::locks::LockPolicy,
        on_wait: &(dyn Fn(&crate::locks::LockWait) + Send + Sync),
    ) -> Result<LiveCapture, EngineError> {
        let dialect = engine.dialect();
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
            let rows = table_rows(engine, table).await;
            // No drop first: leftovers were swept above, and on PostgreSQL `DROP TRIGGER IF
            // EXISTS` takes the table's strongest lock even when there is nothing to drop.
            let mut statements = capture::ensure_tables(dialect, &table.name);
            statements.push(capture::forget(dialect, &table.name));
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

    /// Hooks for each migration transaction (PostgreSQL, SQLite): SQLite's exemption, and the
    /// capture triggers put back on a table the migration replaced (a rebuild or a
    /// copy-and-swap drops the old table's triggers) before the transaction commits, so no
    /// write after it goes unrecorded.
    pub fn transaction_hooks(&self) -> Option<CaptureHooks> {
        (self.dialect != Dialect::Mysql && self.is_active()).then(|| CaptureHooks {
            dialect: self.dialect,
            tables: self.tables.clone(),
        })
    }

    /// After the migrations: puts back the triggers of captured tables that lost them outside
    /// a transaction (MySQL, no-transaction scripts), and returns those tables. Writes to them
    /// between the loss and now were not recorded, so a merge back must not overwrite their
    /// rows (see [`MergeScope::insert_only`]).
    pub async fn reinstall_lost(&self, engine: &mut dyn Engine) -> Vec<String> {
        let mut lost = Vec::new();
        for w in &self.tables {
            if reinstall_if_lost(engine, self.dialect, w)
                .await
                .unwrap_or(false)
            {
                lost.push(w.name.to_string());
            }
        }
        lost
    }

    /// How a merge back may treat `table`: its key, and whether its capture had a gap (it is
    /// in `gaps`, from [`LiveCapture::reinstall_lost`]).
    /// `after_run` is the schema once the migrations ran (before any down script): a table
    /// missing there had its rows, the application's included, dropped, so it has no scope (a
    /// plain restore puts it back); its columns missing there are refilled in every row.
    pub fn merge_scope(
        &self,
        table: &QualifiedName,
        gaps: &[String],
        after_run: &Schema,
    ) -> Option<MergeScope> {
        let w = self
            .tables
            .iter()
            .find(|w| w.name == *table || w.name.name == table.name)?;
        let shape = after_run.tables.iter().find(|t| t.name == w.name)?;
        Some(MergeScope {
            table: w.name.clone(),
            key: w.bucketing.key.clone(),
            insert_only: gaps.contains(&w.name.to_string()),
            columns_after_run: shape.columns.iter().map(|c| c.name.clone()).collect(),
        })
    }
}

/// What a merge back of one table may do (see [`crate::backup::merge_back`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MergeScope {
    /// The table as captured.
    pub table: QualifiedName,
    /// Its key.
    pub key: Vec<String>,
    /// Only put back missing rows: some writes to the table went unrecorded.
    pub insert_only: bool,
    /// The table's columns once the migrations ran. A backed-up column missing there was
    /// dropped (and a down script may have added it back empty): no session could write it
    /// meanwhile, so the merge refills it from the backup in every row, the application's too.
    pub columns_after_run: Vec<String>,
}

/// Re-creates `w`'s capture triggers when the table exists, keeps its key, and lost them.
/// Returns whether it did.
async fn reinstall_if_lost(
    engine: &mut dyn Engine,
    dialect: Dialect,
    w: &Watched,
) -> Result<bool, EngineError> {
    let count = engine
        .query(&capture::installed_triggers(dialect, &w.name), &[])
        .await?
        .first()
        .and_then(|r| r.first())
        .and_then(Value::as_i64)
        .unwrap_or(0);
    if count >= capture::trigger_count(dialect) {
        return Ok(false);
    }
    let schema = engine.introspect().await?;
    let Some(table) = schema.tables.iter().find(|t| t.name == w.name) else {
        return Ok(false);
    };
    if !w
        .bucketing
        .key
        .iter()
        .all(|k| table.columns.iter().any(|c| &c.name == k))
    {
        return Ok(false);
    }
    if dialect != Dialect::Postgres {
        for sql in capture::remove(dialect, &w.name, true)
            .into_iter()
            .filter(|s| s.starts_with("DROP"))
        {
            engine.execute(&sql).await?;
        }
    }
    for sql in capture::install(dialect, &w.name, &w.bucketing.key) {
        engine.execute(&sql).await?;
    }
    Ok(true)
}

/// About how many rows `table` has, to size its groups: the catalog's estimate, or a count
/// when the catalog has none or a small one (never analyzed, or SQLite, which keeps none), so a
/// table of unknown size is not split into too few groups.
async fn table_rows(engine: &mut dyn Engine, table: &Table) -> u64 {
    let estimate = engine.estimated_rows(&table.name).await.ok().flatten();
    if let Some(rows) = estimate.filter(|r| *r >= 100_000) {
        return rows;
    }
    let sql = format!(
        "SELECT count(*) FROM {}",
        table.name.quoted(engine.dialect())
    );
    engine
        .query(&sql, &[])
        .await
        .ok()
        .and_then(|rows| rows.first().and_then(|r| r.first()).and_then(Value::as_i64))
        .and_then(|n| u64::try_from(n).ok())
        .or(estimate)
        .unwrap_or(0)
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

/// The transaction hooks of the capture (see [`LiveCapture::transaction_hooks`]).
#[derive(Debug, Clone)]
pub struct CaptureHooks {
    dialect: Dialect,
    tables: Vec<Watched>,
}

#[async_trait::async_trait]
impl crate::migrate::TransactionHooks for CaptureHooks {
    async fn after_begin(&self, engine: &mut dyn Engine) -> Result<(), EngineError> {
        if self.dialect == Dialect::Sqlite {
            engine.execute(&capture::sqlite_exempt_begin()).await?;
        }
        Ok(())
    }

    async fn before_commit(&self, engine: &mut dyn Engine) -> Result<(), EngineError> {
        if self.dialect == Dialect::Sqlite {
            engine.execute(&capture::sqlite_exempt_end()).await?;
        }
        for w in &self.tables {
            reinstall_if_lost(engine, self.dialect, w).await?;
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
