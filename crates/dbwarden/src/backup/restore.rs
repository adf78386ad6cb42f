//! Restoring a backup into a database.

use super::manifest::TableEntry;
use super::{BackupError, BackupReader, schema_subset};
use crate::validate::{fingerprint_differences, fingerprint_spec};
use dbwarden_core::{Dialect, Schema, Table};
use dbwarden_engine::data::CHANNEL_CHUNKS;
use dbwarden_engine::{Engine, Value};
use serde::Serialize;
use std::sync::Arc;

/// How to restore.
#[derive(Debug, Clone, Default)]
pub struct RestoreOptions {
    /// Replace the rows of tables that already hold rows (and recreate tables whose columns
    /// no longer match the backup's).
    pub force: bool,
    /// Only these tables (`name` or `schema.name`); `None` for all in the backup.
    pub tables: Option<Vec<String>>,
}

/// What happened to one table.
#[derive(Debug, Clone, Serialize)]
pub struct RestoredTable {
    /// The table.
    pub name: String,
    /// Rows loaded.
    pub rows: u64,
    /// It did not exist and was created from the backup's definition.
    pub created: bool,
    /// Rows it held before, now replaced (with `force`).
    pub replaced_rows: u64,
}

/// The outcome of a restore. Fingerprints of every restored table equal the backup's, or the
/// restore reports an error.
#[derive(Debug, Clone, Serialize)]
pub struct RestoreSummary {
    /// Per table.
    pub tables: Vec<RestoredTable>,
    /// Rows loaded in all.
    pub rows: u64,
}

/// What must happen to one table before its rows can be loaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Preparation {
    /// Missing: create it.
    Create,
    /// Present and empty: load.
    Load,
    /// Present with rows: delete them, then load (force only).
    Replace,
    /// Present but lacking some of the backup's columns (a column was dropped since): add
    /// them back as the backup defines them, then replace the rows (force only).
    Reshape,
}

/// Restores the backup's tables into `engine`'s database. Refuses, changing nothing, when a
/// table holds rows (or has other columns) and `force` is off. Then checks every restored
/// table's fingerprint against the manifest.
pub async fn restore(
    engine: &mut dyn Engine,
    reader: Arc<BackupReader>,
    options: &RestoreOptions,
) -> Result<RestoreSummary, BackupError> {
    let manifest = &reader.manifest;
    let dialect = engine.dialect();
    if manifest.source.dialect != dialect {
        return Err(BackupError::WrongEngine {
            backup: manifest.source.product.clone(),
            target: engine.server_info().await?.product,
        });
    }
    let entries: Vec<TableEntry> = match &options.tables {
        None => manifest.tables.clone(),
        Some(names) => {
            let mut chosen = Vec::new();
            for name in names {
                let table = super::find_table(&manifest.schema, name)?;
                if let Some(entry) = manifest.table(&table.name) {
                    chosen.push(entry.clone());
                }
            }
            manifest
                .tables
                .iter()
                .filter(|e| chosen.iter().any(|c| c.name == e.name))
                .cloned()
                .collect()
        }
    };
    let target = engine.introspect().await?;
    let mut plan = Vec::with_capacity(entries.len());
    let mut refusals = Vec::new();
    for entry in &entries {
        let (preparation, rows, problem) = prepare(engine, &target, entry).await?;
        if let Some(problem) = problem
            && !options.force
        {
            refusals.push(problem);
        }
        plan.push((entry, preparation, rows));
    }
    if !refusals.is_empty() {
        return Err(BackupError::WouldOverwrite {
            tables: refusals.join("; "),
        });
    }
    let sampled = manifest.sample_rows.is_some();
    if sampled && plan.iter().any(|(_, p, _)| *p != Preparation::Create) {
        return Err(BackupError::Corrupt {
            what: "a sample taken for a rehearsal can only be restored into an empty database"
                .into(),
        });
    }
    let to_create: Vec<Table> = plan
        .iter()
        .filter(|(_, p, _)| *p == Preparation::Create)
        .filter_map(|(e, _, _)| manifest.schema.table(&e.name).cloned())
        .collect();
    // PostgreSQL: keys and indexes of new tables are built after the rows are in, which is
    // several times faster than maintaining them row by row (what pg_restore does too).
    let (to_create, deferred_keys) = if dialect == Dialect::Postgres {
        defer_keys(to_create)
    } else {
        (to_create, Vec::new())
    };
    let mut ddl = creation_ddl(&manifest.schema, &target, &to_create);
    for (entry, _, _) in plan.iter().filter(|(_, p, _)| *p == Preparation::Reshape) {
        ddl.extend(missing_columns_ddl(&manifest.schema, &target, &entry.name)?);
    }
    // Foreign keys are added after the rows (PostgreSQL cannot switch their checks off; this
    // also loads tables that reference each other). MySQL loads with checks off, and commits
    // DDL by itself, so there they stay with the rest.
    let foreign_keys: Vec<String> = if dialect == Dialect::Postgres {
        let (after, rest): (Vec<String>, Vec<String>) = ddl.into_iter().partition(|s| {
            (s.starts_with("ALTER TABLE") && s.contains(" FOREIGN KEY ("))
                || s.starts_with("CREATE INDEX")
                || s.starts_with("CREATE UNIQUE INDEX")
        });
        ddl = rest;
        // Keys first (foreign keys need the referenced key), then indexes and foreign keys.
        let (keys, indexes): (Vec<String>, Vec<String>) = after
            .into_iter()
            .partition(|s| s.contains(" FOREIGN KEY ("));
        deferred_keys
            .into_iter()
            .chain(indexes)
            .chain(keys)
            .collect()
    } else {
        Vec::new()
    };
    let prune = if sampled {
        orphan_deletes(&manifest.schema, &entries, dialect)
    } else {
        Vec::new()
    };
    let finishing = Finishing {
        prune,
        foreign_keys,
        triggers: trigger_ddl(&manifest.schema, &target, &to_create),
    };
    let outcome = load_all(engine, &reader, &plan, &ddl, &finishing).await;
    let summary = match outcome {
        Ok(summary) => summary,
        Err(e) => {
            // MySQL committed the CREATE TABLEs: drop the (still empty) tables it created.
            if dialect == Dialect::Mysql {
                for table in to_create.iter().rev() {
                    if plan
                        .iter()
                        .any(|(e, p, _)| e.name == table.name && *p == Preparation::Create)
                    {
                        let _ = engine
                            .execute(&format!(
                                "DROP TABLE IF EXISTS {}",
                                table.name.quoted(dialect)
                            ))
                            .await;
                    }
                }
            }
            return Err(e);
        }
    };
    if sampled {
        // A sample's fingerprints describe the whole source table, not the rows taken.
        return Ok(summary);
    }
    let mut differences = Vec::new();
    for entry in &entries {
        let Some(table) = manifest.schema.table(&entry.name) else {
            continue;
        };
        let found = engine
            .fingerprint(&entry.name, &fingerprint_spec(table, false))
            .await?;
        for difference in fingerprint_differences(&entry.fingerprint, &found) {
            differences.push(format!("table {}: {difference}", entry.name));
        }
    }
    if !differences.is_empty() {
        return Err(BackupError::FingerprintMismatch {
            details: differences.join("; "),
        });
    }
    Ok(summary)
}

/// The rows `table` holds now.
async fn count_rows(
    engine: &mut dyn Engine,
    table: &dbwarden_core::QualifiedName,
) -> Result<u64, BackupError> {
    let sql = format!("SELECT count(*) FROM {}", table.quoted(engine.dialect()));
    let rows = engine.query(&sql, &[]).await?;
    let n = rows.first().and_then(|r| r.first()).and_then(Value::as_i64);
    Ok(n.unwrap_or(0).max(0) as u64)
}

/// Decides what a table needs, and says why it would be refused without `force`.
async fn prepare(
    engine: &mut dyn Engine,
    target: &Schema,
    entry: &TableEntry,
) -> Result<(Preparation, u64, Option<String>), BackupError> {
    let Some(existing) = target.table(&entry.name) else {
        return Ok((Preparation::Create, 0, None));
    };
    let missing: Vec<&String> = entry
        .columns
        .iter()
        .filter(|c| existing.column(c).is_none())
        .collect();
    let rows = count_rows(engine, &entry.name).await?;
    if !missing.is_empty() {
        let names: Vec<&str> = missing.iter().map(|c| c.as_str()).collect();
        return Ok((
            Preparation::Reshape,
            rows,
            Some(format!(
                "{} lacks the backup's columns {} (with --force they are added back and the rows replaced)",
                entry.name,
                names.join(", ")
            )),
        ));
    }
    if rows > 0 {
        return Ok((
            Preparation::Replace,
            rows,
            Some(format!("{} holds {rows} rows", entry.name)),
        ));
    }
    Ok((Preparation::Load, 0, None))
}

/// Runs one statement of the schema a restore recreates, naming it when it fails.
async fn run_ddl(
    engine: &mut dyn Engine,
    step: &'static str,
    statement: &str,
) -> Result<(), BackupError> {
    match engine.execute(statement).await {
        Ok(_) => Ok(()),
        Err(source) => {
            let first = statement.lines().next().unwrap_or_default();
            let statement = if first.chars().count() > 100 {
                format!("{}...", first.chars().take(100).collect::<String>())
            } else {
                first.to_owned()
            };
            Err(BackupError::Ddl {
                step,
                statement,
                source,
            })
        }
    }
}

/// The triggers of the created `tables` and of the views created over them (`INSTEAD OF`),
/// as the backup defines them, for after the rows; those `target` already has stay as they are.
fn trigger_ddl(backup: &Schema, target: &Schema, tables: &[Table]) -> Vec<String> {
    let subset = schema_subset(backup, tables);
    let mut statements = Vec::new();
    let exists = |t: &dbwarden_core::Trigger| {
        target
            .triggers
            .iter()
            .any(|o| o.table == t.table && o.name == t.name)
    };
    for trigger in subset.triggers.iter().filter(|t| !exists(t)) {
        statements.push(dbwarden_core::render::programs::create_trigger(trigger));
        statements.extend(dbwarden_core::render::programs::trigger_state(trigger));
    }
    statements
}

/// DDL that creates `tables` from the backup's definitions, with the enums, sequences,
/// namespaces, extensions and routines they need that `target` lacks.
fn creation_ddl(backup: &Schema, target: &Schema, tables: &[Table]) -> Vec<String> {
    if tables.is_empty() {
        return Vec::new();
    }
    let mut needed = schema_subset(backup, tables);
    needed
        .extensions
        .retain(|e| !target.extensions.iter().any(|t| t.name == e.name));
    needed
        .domains
        .retain(|d| !target.domains.iter().any(|t| t.name == d.name));
    needed
        .composites
        .retain(|c| !target.composites.iter().any(|t| t.name == c.name));
    needed.routines.retain(|r| {
        !target
            .routines
            .iter()
            .any(|t| t.name == r.name && t.arguments == r.arguments)
    });
    needed
        .views
        .retain(|v| !target.views.iter().any(|t| t.name == v.name));
    needed
        .materialized_views
        .retain(|v| !target.materialized_views.iter().any(|t| t.name == v.name));
    // Created once the rows are in (see `trigger_ddl`): a trigger firing on restored rows
    // would change them, or write rows of its own.
    needed.triggers.clear();
    needed
        .namespaces
        .retain(|n| !target.namespaces.iter().any(|t| t.name == n.name) && n.name != "public");
    needed
        .enums
        .retain(|e| !target.enums.iter().any(|t| t.name == e.name));
    needed
        .sequences
        .retain(|s| !target.sequences.iter().any(|t| t.name == s.name));
    // Foreign keys to tables that exist in the target stay.
    for table in &mut needed.tables {
        if let Some(original) = backup.table(&table.name) {
            table.foreign_keys = original
                .foreign_keys
                .iter()
                .filter(|fk| {
                    tables.iter().any(|t| t.name == fk.referenced_table)
                        || target.table(&fk.referenced_table).is_some()
                })
                .cloned()
                .collect();
        }
    }
    dbwarden_core::render::schema_statements(&needed)
}

/// The statements that add back the columns of `table` the target lacks, as the backup
/// defines them (the diff and plan of the core, limited to added columns).
fn missing_columns_ddl(
    backup: &Schema,
    target: &Schema,
    table: &dbwarden_core::QualifiedName,
) -> Result<Vec<String>, BackupError> {
    use dbwarden_core::diff::{Change, Diff, RenameHints, diff};
    let only = |schema: &Schema| {
        let mut one = Schema::empty(schema.dialect);
        one.tables.extend(schema.table(table).cloned());
        one
    };
    let (from, to) = (only(target), only(backup));
    let changes: Vec<Change> = diff(&from, &to, &RenameHints::default())
        .changes
        .into_iter()
        .filter(|c| matches!(c, Change::AddColumn { .. }))
        .collect();
    let plan = dbwarden_core::plan::render_diff(
        &from,
        &to,
        &Diff {
            changes,
            ..Diff::default()
        },
    )
    .map_err(|e| BackupError::Corrupt {
        what: format!("table {table}: its dropped columns cannot be added back: {e}"),
    })?;
    Ok(plan.steps.into_iter().map(|s| s.sql).collect())
}

/// Takes primary keys and unique constraints off the tables to create, and returns the
/// statements that add them back (PostgreSQL).
fn defer_keys(tables: Vec<Table>) -> (Vec<Table>, Vec<String>) {
    let dialect = Dialect::Postgres;
    let mut statements = Vec::new();
    let tables = tables
        .into_iter()
        .map(|mut table| {
            let name = table.name.quoted(dialect);
            let constraint = |n: &Option<String>| {
                n.as_ref()
                    .map(|n| format!("CONSTRAINT {} ", dbwarden_core::quote_ident(dialect, n)))
                    .unwrap_or_default()
            };
            if let Some(pk) = table.primary_key.take() {
                statements.push(format!(
                    "ALTER TABLE {name} ADD {}PRIMARY KEY ({})",
                    constraint(&pk.name),
                    dbwarden_core::dialect::quote_ident_list(dialect, &pk.columns)
                ));
            }
            for unique in std::mem::take(&mut table.uniques) {
                statements.push(format!(
                    "ALTER TABLE {name} ADD {}UNIQUE ({})",
                    constraint(&unique.name),
                    dbwarden_core::dialect::quote_ident_list(dialect, &unique.columns)
                ));
            }
            table
        })
        .collect();
    (tables, statements)
}

/// What runs after the rows are in: deletes of rows whose parents were not sampled (repeated
/// until none go, as chains of references shrink), then the foreign keys.
struct Finishing {
    prune: Vec<String>,
    foreign_keys: Vec<String>,
    /// Triggers of the created tables, once their rows are in.
    triggers: Vec<String>,
}

/// `DELETE`s of rows whose foreign key points at a row the sample left out (a key with a NULL
/// part points nowhere and is kept, as the engines' MATCH SIMPLE does).
fn orphan_deletes(schema: &Schema, entries: &[TableEntry], dialect: Dialect) -> Vec<String> {
    let q = |c: &String| dbwarden_core::quote_ident(dialect, c);
    let mut out = Vec::new();
    for entry in entries {
        let Some(table) = schema.table(&entry.name) else {
            continue;
        };
        for fk in &table.foreign_keys {
            if !entries.iter().any(|e| e.name == fk.referenced_table) {
                continue;
            }
            let not_null: Vec<String> = fk
                .columns
                .iter()
                .map(|c| format!("child.{} IS NOT NULL", q(c)))
                .collect();
            let matches: Vec<String> = fk
                .columns
                .iter()
                .zip(&fk.referenced_columns)
                .map(|(c, p)| format!("parent.{} = child.{}", q(p), q(c)))
                .collect();
            // MySQL cannot name the target of a DELETE in its own subquery: go through a
            // derived table of the keys to delete.
            let condition = format!(
                "{} AND NOT EXISTS (SELECT 1 FROM {} parent WHERE {})",
                not_null.join(" AND "),
                fk.referenced_table.quoted(dialect),
                matches.join(" AND ")
            );
            let table_sql = entry.name.quoted(dialect);
            out.push(if dialect == Dialect::Mysql {
                let keys = dbwarden_core::dialect::quote_ident_list(dialect, &fk.columns);
                format!(
                    "DELETE FROM {table_sql} WHERE ({keys}) IN (SELECT * FROM (SELECT {} FROM {table_sql} child WHERE {condition}) AS orphans)",
                    fk.columns.iter().map(|c| format!("child.{}", q(c))).collect::<Vec<_>>().join(", ")
                )
            } else {
                format!("DELETE FROM {table_sql} AS child WHERE {condition}")
            });
        }
    }
    out
}

/// Runs the DDL, deletes, loads and sequence positions, in one transaction where the engine
/// allows it (MySQL commits DDL by itself, so there the tables are created first).
async fn load_all(
    engine: &mut dyn Engine,
    reader: &Arc<BackupReader>,
    plan: &[(&TableEntry, Preparation, u64)],
    ddl: &[String],
    finishing: &Finishing,
) -> Result<RestoreSummary, BackupError> {
    let dialect = engine.dialect();
    match dialect {
        Dialect::Sqlite => {
            // Must be set outside a transaction; checked with foreign_key_check before commit.
            engine.execute("PRAGMA foreign_keys = OFF").await?;
        }
        Dialect::Mysql => {
            engine.execute("SET foreign_key_checks = 0").await?;
            for statement in ddl {
                run_ddl(engine, "creating the schema", statement).await?;
            }
        }
        Dialect::Postgres => {}
    }
    engine.begin().await?;
    let result = load_in_transaction(engine, reader, plan, ddl, finishing).await;
    let result = match result {
        Ok(summary) => match engine.commit().await {
            Ok(()) => Ok(summary),
            Err(e) => Err(e.into()),
        },
        Err(e) => {
            let _ = engine.rollback().await;
            Err(e)
        }
    };
    let after = match dialect {
        Dialect::Sqlite => engine.execute("PRAGMA foreign_keys = ON").await.map(|_| ()),
        Dialect::Mysql => engine
            .execute("SET foreign_key_checks = 1")
            .await
            .map(|_| ()),
        Dialect::Postgres => Ok(()),
    };
    let summary = result?;
    after?;
    // MySQL's ALTER TABLE ... AUTO_INCREMENT commits by itself: after the data.
    if dialect == Dialect::Mysql {
        for (entry, _, _) in plan {
            engine
                .restore_sequence_positions(&entry.name, &entry.sequences)
                .await?;
        }
    }
    Ok(summary)
}

async fn load_in_transaction(
    engine: &mut dyn Engine,
    reader: &Arc<BackupReader>,
    plan: &[(&TableEntry, Preparation, u64)],
    ddl: &[String],
    finishing: &Finishing,
) -> Result<RestoreSummary, BackupError> {
    let dialect = engine.dialect();
    if dialect != Dialect::Mysql {
        for statement in ddl {
            run_ddl(engine, "creating the schema", statement).await?;
        }
    }
    // Children first, so foreign keys from them do not block the deletes.
    for (entry, preparation, _) in plan.iter().rev() {
        if matches!(preparation, Preparation::Replace | Preparation::Reshape) {
            engine
                .execute(&format!("DELETE FROM {}", entry.name.quoted(dialect)))
                .await?;
        }
    }
    let mut tables = Vec::with_capacity(plan.len());
    for (entry, preparation, before) in plan {
        let (tx, rx) = tokio::sync::mpsc::channel(CHANNEL_CHUNKS);
        let source = Arc::clone(reader);
        let read_entry = (*entry).clone();
        let format = reader.manifest.row_format;
        let reading =
            tokio::task::spawn_blocking(move || source.read_table(&read_entry, format, Some(&tx)));
        let loaded = engine.load_rows(&entry.name, &entry.columns, rx).await;
        let read = reading.await.map_err(|e| BackupError::Corrupt {
            what: format!("the reading thread failed: {e}"),
        })?;
        // When the load failed, the reader only saw it stop taking rows: the load's error says
        // why. When the file is damaged, the load only saw the stream end: the reader's does.
        let loaded = match (read, loaded) {
            (Err(BackupError::LoadStopped), Err(e)) => return Err(e.into()),
            (Err(e), _) => return Err(e),
            (Ok(()), loaded) => loaded?,
        };
        if loaded != entry.rows {
            return Err(BackupError::table(
                entry,
                format!(
                    "{loaded} rows were loaded but the backup holds {}",
                    entry.rows
                ),
            ));
        }
        if dialect != Dialect::Mysql {
            engine
                .restore_sequence_positions(&entry.name, &entry.sequences)
                .await?;
        }
        tables.push(RestoredTable {
            name: entry.name.to_string(),
            rows: loaded,
            created: *preparation == Preparation::Create,
            replaced_rows: if *preparation == Preparation::Load {
                0
            } else {
                *before
            },
        });
    }
    loop {
        let mut deleted = 0;
        for statement in &finishing.prune {
            deleted += engine.execute(statement).await?.rows_affected;
        }
        if deleted == 0 {
            break;
        }
        for (table, (entry, _, _)) in tables.iter_mut().zip(plan) {
            table.rows = count_rows(engine, &entry.name).await?;
        }
    }
    for statement in &finishing.foreign_keys {
        run_ddl(engine, "adding foreign keys after the rows", statement).await?;
    }
    for statement in &finishing.triggers {
        run_ddl(engine, "adding triggers after the rows", statement).await?;
    }
    if dialect == Dialect::Sqlite {
        let broken = engine.query("PRAGMA foreign_key_check", &[]).await?;
        for (entry, _, _) in plan {
            let name = entry.name.name.as_str();
            let found = broken
                .iter()
                .filter(|row| row.first().and_then(Value::as_string).as_deref() == Some(name))
                .count() as u64;
            if found > entry.broken_foreign_keys {
                return Err(BackupError::Corrupt {
                    what: format!(
                        "after loading, table {} has {found} rows whose foreign keys point nowhere \
                         (the source had {}); nothing was restored",
                        entry.name, entry.broken_foreign_keys
                    ),
                });
            }
        }
    }
    let rows = tables.iter().map(|t| t.rows).sum();
    Ok(RestoreSummary { tables, rows })
}
