//! Schema diff: what changes between two schemas, as semantic [`Change`]s, and how dangerous
//! each one is on a given engine ([`classify`]).
//!
//! Objects are paired by name. A rename is only ever recognised from a [`RenameHints`] entry;
//! a dropped and an added column of the same type (or tables with the same columns) stay a drop
//! and an add, and the diff lists them as a [`RenameSuspect`] so the user can confirm the
//! rename. Expressions (defaults, checks, predicates, generated columns, view bodies) are
//! compared as the database printed them.
//!
//! # Order of changes
//!
//! `Diff::changes` is deterministic, and ordered so that each change can run after the ones
//! before it. A planner still handles what one change alone cannot show, such as a view that
//! must be dropped around a type change of a column it reads:
//!
//! 1. namespaces created, then extensions created or updated;
//! 2. enum types created, values added, types recreated;
//! 3. sequences created and altered; functions and procedures created or replaced (those
//!    whose argument or result types name a table or view wait until step 11);
//! 4. views dropped (dependent views first), so nothing below is blocked by a view; then
//!    triggers dropped, and routines whose signature names a table;
//! 5. tables renamed;
//! 6. foreign keys dropped (all tables), so keys and tables they reference can go;
//! 7. per table: indexes, checks, unique constraints and primary keys dropped;
//! 8. tables dropped, then tables created; a created table carries all its constraints,
//!    foreign keys included (SQLite can only declare them in `CREATE TABLE`), so a planner for
//!    PostgreSQL or MySQL adds them after every table exists, as the renderers do;
//! 9. per table: columns renamed, dropped, added, altered, reordered; primary key, unique
//!    constraints, checks and indexes added; the table comment;
//! 10. foreign keys added (all tables), once every table and key exists;
//! 11. views created or replaced, each after the views it reads; then the routines that
//!     waited for them; then triggers created, replaced, enabled or disabled;
//! 12. comments on namespaces, enum types, sequences, views, routines and triggers;
//! 13. routines, sequences, enum types, extensions and namespaces dropped, once nothing uses
//!     them.
//!
//! Within a step, objects come in the model's canonical order (by name; columns in their
//! ordinal order; constraints of a table in name order), old-schema order for drops and
//! new-schema order for additions. Table changes name the table by its new name.

mod change;
mod classify;
mod columns;
mod constraints;
mod dependents;
mod enums;
mod indexes;
mod materialized_views;
mod namespaces;
mod pairing;
mod program_uses;
mod programs;
mod rename;
mod sequences;
mod summary;
mod tables;
mod types;
mod user_types;
mod views;

#[cfg(test)]
mod fixtures;
#[cfg(test)]
mod properties;

use serde::{Deserialize, Serialize};

pub use change::{Change, ColumnChanges, ColumnPosition, CommentTarget, Dependent};
pub(crate) use change::{postgres_only_change, program_change};
pub use classify::{
    Classification, LockInfo, MysqlAlgorithm, MysqlLock, PgLockMode, Safety, classify, classify_on,
};
pub use program_uses::BrokenDependent;
pub use rename::{ColumnRename, DiffError, RenameHints, RenameSuspect, TableRename, UnusedHint};

/// What uses a column, for planners that must drop and recreate it around a change.
pub(crate) use dependents::{column_dependents, mentions};

use crate::Schema;

/// The result of [`diff`].
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Diff {
    /// The changes, in the order documented in the [module docs](self).
    pub changes: Vec<Change>,
    /// Drops and adds that look like renames; each asks for a `--rename` hint.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rename_suspects: Vec<RenameSuspect>,
    /// Rename hints that fit neither schema and so renamed nothing.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unused_hints: Vec<UnusedHint>,
    /// Routines and triggers of `to` that still name a column or table the changes rename or
    /// drop: applying the changes would leave them failing at their next call.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub broken_dependents: Vec<BrokenDependent>,
}

impl Diff {
    /// Whether the schemas are the same.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }
}

/// Everything that turns `from` into `to`, with renames taken only from `hints`.
///
/// Both schemas are expected in the model's canonical order ([`Schema::normalize`]), as
/// engines produce them; the order of the result relies on it.
pub fn diff(from: &Schema, to: &Schema, hints: &RenameHints) -> Diff {
    let (renames, unused_hints) = pairing::resolve(from, to, hints);
    let mut phases = Phases::default();
    let mut rename_suspects = Vec::new();
    namespaces::diff(from, to, &mut phases);
    enums::diff(from, to, &mut phases);
    sequences::diff(from, to, &renames, &mut phases);
    tables::diff(from, to, &renames, &mut phases, &mut rename_suspects);
    views::diff(from, to, &renames, &mut phases);
    programs::diff(from, to, &renames, &mut phases);
    user_types::diff(from, to, &mut phases);
    materialized_views::diff(from, to, &mut phases);
    let changes = phases.into_changes();
    Diff {
        broken_dependents: program_uses::broken_dependents(to, &changes),
        changes,
        rename_suspects,
        unused_hints,
    }
}

/// Changes collected by step of the documented order, concatenated at the end.
#[derive(Debug, Default)]
pub(crate) struct Phases {
    pub(crate) namespaces_created: Vec<Change>,
    pub(crate) extensions_created: Vec<Change>,
    pub(crate) enums_created_or_changed: Vec<Change>,
    pub(crate) sequences_created_or_altered: Vec<Change>,
    pub(crate) routines_created_or_replaced: Vec<Change>,
    pub(crate) views_dropped: Vec<Change>,
    pub(crate) triggers_dropped: Vec<Change>,
    pub(crate) tables_renamed: Vec<Change>,
    pub(crate) foreign_keys_dropped: Vec<Change>,
    pub(crate) table_parts_dropped: Vec<Change>,
    pub(crate) tables_dropped: Vec<Change>,
    pub(crate) tables_created: Vec<Change>,
    pub(crate) tables_altered: Vec<Change>,
    pub(crate) foreign_keys_added: Vec<Change>,
    pub(crate) views_created_or_replaced: Vec<Change>,
    pub(crate) late_routines_created_or_replaced: Vec<Change>,
    pub(crate) triggers_created_or_replaced: Vec<Change>,
    pub(crate) comments: Vec<Change>,
    pub(crate) routines_dropped: Vec<Change>,
    pub(crate) sequences_dropped: Vec<Change>,
    pub(crate) enums_dropped: Vec<Change>,
    pub(crate) extensions_dropped: Vec<Change>,
    pub(crate) namespaces_dropped: Vec<Change>,
}

impl Phases {
    fn into_changes(self) -> Vec<Change> {
        [
            self.namespaces_created,
            self.extensions_created,
            self.enums_created_or_changed,
            self.sequences_created_or_altered,
            self.routines_created_or_replaced,
            self.views_dropped,
            self.triggers_dropped,
            self.tables_renamed,
            self.foreign_keys_dropped,
            self.table_parts_dropped,
            self.tables_dropped,
            self.tables_created,
            self.tables_altered,
            self.foreign_keys_added,
            self.views_created_or_replaced,
            self.late_routines_created_or_replaced,
            self.triggers_created_or_replaced,
            self.comments,
            self.routines_dropped,
            self.sequences_dropped,
            self.enums_dropped,
            self.extensions_dropped,
            self.namespaces_dropped,
        ]
        .into_iter()
        .flatten()
        .collect()
    }
}

/// The items of `from` that `to` lacks, counting duplicates (a multiset difference), in
/// `from` order. A changed item is one removed and one added.
pub(crate) fn missing_from<'a, T: PartialEq>(from: &'a [T], to: &[T]) -> Vec<&'a T> {
    let mut taken = vec![false; to.len()];
    from.iter()
        .filter(|item| {
            match to
                .iter()
                .enumerate()
                .position(|(i, other)| !taken[i] && other == *item)
            {
                Some(i) => {
                    taken[i] = true;
                    false
                }
                None => true,
            }
        })
        .collect()
}
