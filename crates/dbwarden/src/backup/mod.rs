//! Backups: native, streaming, compressed copies of tables with a manifest of checksums and
//! fingerprints; verification by re-reading every byte and restoring into a scratch database;
//! restore into the original or another database.
//!
//! - [`create`]: one consistent snapshot of the chosen tables, streamed through zstd into one
//!   file ([`file`] describes the layout), with memory flat whatever the table size.
//! - [`verify`]: checksums, row counts, then a scratch restore whose fingerprints must equal
//!   the manifest's; only then is a `.verified` marker written beside the file.
//! - [`restore`]: refuses to overwrite rows without `force`; creates missing tables from the
//!   backup's own schema; all in one transaction where the engine allows.

mod create;
pub mod file;
pub mod manifest;
mod merge;
mod restore;
pub mod rule;
mod verify;

pub use create::{BackupOptions, BackupProgress, BackupSummary, ProgressFn, create};
pub use file::BackupReader;
pub use manifest::{Manifest, Scope, TableEntry};
pub use merge::{MergedTable, merge_back};
pub use restore::{RestoreOptions, RestoreSummary, RestoredTable, restore};
pub use rule::{BackupCover, DestructiveStatement, destructive_statements, uncovered_statements};
pub use verify::{VerifiedMarker, VerifyReport, read_marker, verify};

use dbwarden_core::{QualifiedName, Schema, Table};
use dbwarden_engine::EngineError;
use std::path::PathBuf;
use thiserror::Error;

/// Why a backup, verify or restore did not complete.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum BackupError {
    /// The database failed.
    #[error(transparent)]
    Engine(#[from] EngineError),
    /// A file could not be read or written.
    #[error("{path}: {message}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The system's message.
        message: String,
    },
    /// The backup file would overwrite another.
    #[error("{0} already exists: choose another file name (backups are never overwritten)")]
    Exists(PathBuf),
    /// The backup is damaged or is not a backup.
    #[error("backup is not usable: {what}")]
    Corrupt {
        /// What is wrong, naming the table where one is concerned.
        what: String,
    },
    /// A table asked for does not exist.
    #[error("no table {name} in the database (tables: {available})")]
    UnknownTable {
        /// The name given.
        name: String,
        /// The tables there are.
        available: String,
    },
    /// The backup is for another engine.
    #[error(
        "the backup was taken from {backup} and cannot be restored into {target}: restore into a {backup} database"
    )]
    WrongEngine {
        /// The backup's engine.
        backup: String,
        /// The target's engine.
        target: String,
    },
    /// Restoring would overwrite rows.
    #[error(
        "refusing to overwrite rows: {tables}. Nothing was changed. Restore into an empty database, or pass --force to replace those tables' rows with the backup's"
    )]
    WouldOverwrite {
        /// The non-empty tables, with their row counts.
        tables: String,
    },
    /// A restored table's fingerprint differs from the manifest's.
    #[error("restored data differs from the backup: {details}")]
    FingerprintMismatch {
        /// Which table, which figure, expected and found.
        details: String,
    },
    /// A statement that recreates the backup's schema failed.
    #[error("{step}: `{statement}` failed: {source}")]
    Ddl {
        /// What the restore was doing (`creating the schema`, `adding triggers after the rows`).
        step: &'static str,
        /// The statement's first line, which names the object.
        statement: String,
        /// The database's error.
        source: EngineError,
    },
    /// The database stopped taking rows from the file (its own error says why).
    #[error("the database stopped taking rows from the backup")]
    LoadStopped,
    /// Interrupted (SIGINT/SIGTERM): a partial backup file and scratch databases were removed.
    #[error(
        "interrupted: nothing half-done was kept (partial backup files and scratch databases were removed)"
    )]
    Interrupted,
}

impl From<crate::schema_source::Interrupted> for BackupError {
    fn from(_: crate::schema_source::Interrupted) -> Self {
        BackupError::Interrupted
    }
}

impl BackupError {
    pub(crate) fn table(table: &TableEntry, what: String) -> BackupError {
        BackupError::Corrupt {
            what: format!("table {}: {what}", table.name),
        }
    }
}

/// The columns a backup stores: all but generated ones, which the database computes again
/// (and which `COPY ... FROM` and `INSERT` refuse).
pub(crate) fn stored_columns(table: &Table) -> Vec<String> {
    table
        .columns
        .iter()
        .filter(|c| c.generated.is_none())
        .map(|c| c.name.clone())
        .collect()
}

/// Finds a table by the name a user typed: `name` or `schema.name`.
pub(crate) fn find_table<'a>(schema: &'a Schema, name: &str) -> Result<&'a Table, BackupError> {
    let found = schema
        .tables
        .iter()
        .find(|t| t.name.to_string() == name || (t.name.name == name && t.name.schema.is_none()));
    let found = found.or_else(|| {
        let mut matching = schema.tables.iter().filter(|t| t.name.name == name);
        match (matching.next(), matching.next()) {
            (Some(only), None) => Some(only),
            _ => None,
        }
    });
    found.ok_or_else(|| BackupError::UnknownTable {
        name: name.to_owned(),
        available: schema
            .tables
            .iter()
            .map(|t| t.name.to_string())
            .collect::<Vec<_>>()
            .join(", "),
    })
}

/// `tables` ordered so that every table comes after the tables it references (cycles and
/// self-references keep their given order).
pub(crate) fn referenced_first(tables: Vec<Table>) -> Vec<Table> {
    let mut ordered: Vec<Table> = Vec::with_capacity(tables.len());
    let mut left = tables;
    while !left.is_empty() {
        let names: Vec<QualifiedName> = left.iter().map(|t| t.name.clone()).collect();
        let ready = left.iter().position(|t| {
            t.foreign_keys
                .iter()
                .all(|fk| fk.referenced_table == t.name || !names.contains(&fk.referenced_table))
        });
        // A cycle: take the first and let the engine's deferred checks sort it out.
        let next = ready.unwrap_or(0);
        ordered.push(left.remove(next));
    }
    ordered
}

/// The part of `schema` a backup of `tables` needs: those tables (foreign keys to tables not
/// taken are left out, so a scratch restore can create them), the enums and sequences, the
/// extensions and routines (defaults, checks and triggers call them; a routine whose signature
/// names a table not taken is left out), and the triggers of the tables taken.
pub(crate) fn schema_subset(schema: &Schema, tables: &[Table]) -> Schema {
    let names: Vec<&QualifiedName> = tables.iter().map(|t| &t.name).collect();
    let mut subset = Schema::empty(schema.dialect);
    subset.tables = tables
        .iter()
        .map(|t| {
            let mut t = t.clone();
            // Row-level security stays off in a backup's tables: forced on, it would hide rows
            // from the restore's own checks (and the policies are not carried yet).
            t.row_security = Default::default();
            t.foreign_keys
                .retain(|fk| names.contains(&&fk.referenced_table));
            t
        })
        .collect();
    subset.namespaces = schema
        .namespaces
        .iter()
        .filter(|n| {
            tables
                .iter()
                .any(|t| t.name.schema.as_deref() == Some(n.name.as_str()))
        })
        .cloned()
        .collect();
    subset.enums = schema.enums.clone();
    subset.domains = schema.domains.clone();
    subset.composites = schema.composites.clone();
    subset.sequences = schema
        .sequences
        .iter()
        .filter(|s| match &s.owned_by {
            Some((owner, _)) => names.contains(&owner),
            None => tables.iter().any(|t| {
                t.columns.iter().any(|c| {
                    c.default
                        .as_deref()
                        .is_some_and(|d| d.contains(&s.name.name))
                })
            }),
        })
        .cloned()
        .collect();
    subset.extensions = schema.extensions.clone();
    subset.routines = schema
        .routines
        .iter()
        .filter(|r| {
            use dbwarden_core::render::programs::{RoutinePlace, routine_place};
            // Placed before the tables here but not in the whole schema: it names a table
            // that was not taken.
            routine_place(r, schema) == RoutinePlace::BeforeTables
                || routine_place(r, &subset) != RoutinePlace::BeforeTables
        })
        .cloned()
        .collect();
    subset.views = views_over(schema, &names);
    // Materialized views record no dependencies in the model: carried when every table is.
    if schema.tables.iter().all(|t| names.contains(&&t.name)) {
        subset.materialized_views = schema.materialized_views.clone();
    }
    let view_names: Vec<&QualifiedName> = subset.views.iter().map(|v| &v.name).collect();
    subset.triggers = schema
        .triggers
        .iter()
        .filter(|t| names.contains(&&t.table) || view_names.contains(&&t.table))
        .cloned()
        .collect();
    subset
}

/// The views of `schema` that read only `tables` and such views (a rehearsal copy needs
/// them: the migration may replace or drop them).
fn views_over(schema: &Schema, tables: &[&QualifiedName]) -> Vec<dbwarden_core::View> {
    let mut taken: Vec<dbwarden_core::View> = Vec::new();
    loop {
        let before = taken.len();
        for view in &schema.views {
            let ready = !taken.iter().any(|t| t.name == view.name)
                && view.depends_on.iter().all(|d| {
                    d == &view.name || tables.contains(&d) || taken.iter().any(|t| &t.name == d)
                });
            if ready {
                taken.push(view.clone());
            }
        }
        if taken.len() == before {
            return taken;
        }
    }
}
