//! SQLite statements for each change (SQLite 3.35+). `ALTER TABLE` renames tables and
//! columns, adds columns at the end and drops unconstrained ones; every other change of a
//! table is the 12-step rebuild (<https://www.sqlite.org/lang_altertable.html#otheralter>),
//! done once per table into its new definition, which covers all of that table's changes.

use super::{PlanError, Planner, objects};
use crate::diff::{Change, Dependent, LockInfo, classify};
use crate::render::sqlite::is_constant_default;
use crate::{Dialect, QualifiedName, Table, quote_ident};

const D: Dialect = Dialect::Sqlite;

fn ident(name: &str) -> String {
    quote_ident(D, name)
}

fn name(name: &QualifiedName) -> String {
    name.quoted(D)
}

/// Tables with a change that `ALTER TABLE` cannot make.
pub(super) fn tables_needing_rebuild(changes: &[Change]) -> Vec<QualifiedName> {
    let mut tables = Vec::new();
    for change in changes {
        if matches!(
            change,
            Change::CreateTable { .. } | Change::DropTable { .. } | Change::RenameTable { .. }
        ) {
            continue;
        }
        let rebuild = matches!(classify(change, D).lock, LockInfo::Sqlite { rebuild: true })
            || adds_non_constant_default(change);
        if let Some(table) = change.table()
            && rebuild
            && !tables.contains(table)
        {
            tables.push(table.clone());
        }
    }
    tables
}

/// An added column whose default `ALTER TABLE ADD COLUMN` refuses. The model holds SQLite
/// defaults as `PRAGMA table_info` reports them, without the parentheses of an expression, so
/// the classification's test for a parenthesized default does not see these.
fn adds_non_constant_default(change: &Change) -> bool {
    matches!(change, Change::AddColumn { column, .. }
        if column.default.as_deref().is_some_and(|d| !is_constant_default(d)))
}

/// Writes `change` into `p`.
pub(super) fn render(p: &mut Planner<'_>, change: &Change) -> Result<(), PlanError> {
    if let Some(table) = change.table()
        && !matches!(
            change,
            Change::CreateTable { .. } | Change::DropTable { .. } | Change::RenameTable { .. }
        )
        && p.needs_rebuild(table)
    {
        if !p.rebuilt(table) {
            rebuild(p, table)?;
        }
        return Ok(());
    }
    match change {
        Change::CreateNamespace { .. } | Change::DropNamespace { .. } => {
            return Err(p.unsupported("SQLite has no namespaces besides attached databases"));
        }
        Change::CreateEnum { .. }
        | Change::DropEnum { .. }
        | Change::AddEnumValue { .. }
        | Change::RecreateEnum { .. } => return Err(p.unsupported("SQLite has no enum types")),
        Change::CreateSequence { .. }
        | Change::DropSequence { .. }
        | Change::AlterSequence { .. } => return Err(p.unsupported("SQLite has no sequences")),
        Change::CreateTable { table } => p.push_all(objects::table_statements(D, table)),
        Change::DropTable { table, .. } => p.push(format!("DROP TABLE {}", name(&table.name))),
        Change::RenameTable { from, to } => p.push(format!(
            "ALTER TABLE {} RENAME TO {}",
            name(from),
            ident(&to.name)
        )),
        Change::AddColumn { table, column, .. } => {
            let Some(definition) = objects::column_definition(D, column) else {
                return Err(p.unsupported("the renderer wrote no column definition"));
            };
            p.push(format!(
                "ALTER TABLE {} ADD COLUMN {definition}",
                name(table)
            ));
        }
        Change::DropColumn {
            table,
            column,
            dependents,
        } => {
            // DROP COLUMN fails on a column a view reads.
            let views = dependents
                .iter()
                .filter_map(|d| match d {
                    Dependent::View { name } => Some(name.clone()),
                    _ => None,
                })
                .collect();
            p.drop_views_around(views)?;
            p.push(format!(
                "ALTER TABLE {} DROP COLUMN {}",
                name(table),
                ident(&column.name)
            ));
        }
        Change::RenameColumn { table, from, to } => p.push(format!(
            "ALTER TABLE {} RENAME COLUMN {} TO {}",
            name(table),
            ident(from),
            ident(to)
        )),
        // Only a comment changed (anything else needs the rebuild): SQLite keeps none.
        Change::AlterColumn { .. } | Change::SetComment { .. } => {}
        Change::CreateIndex { table, index } => {
            p.push_all(objects::index_statements(D, table, index))
        }
        Change::DropIndex { index, .. } => p.push(format!("DROP INDEX {}", ident(&index.name))),
        Change::CreateView { view } => p.create_view(view),
        Change::DropView { view } => p.drop_view(view),
        // Written by the shared module before this one is asked.
        crate::diff::program_change!() => {}
        Change::ReplaceView { to, .. } => p.replace_view(to)?,
        Change::ReorderColumns { .. }
        | Change::AddPrimaryKey { .. }
        | Change::DropPrimaryKey { .. }
        | Change::AddUnique { .. }
        | Change::DropUnique { .. }
        | Change::AddForeignKey { .. }
        | Change::DropForeignKey { .. }
        | Change::AddCheck { .. }
        | Change::DropCheck { .. } => {
            // Classified as a rebuild, so handled above; a classification that changes
            // lands here rather than in wrong SQL.
            return Err(p.unsupported("SQLite's ALTER TABLE cannot make this change"));
        }
    }
    Ok(())
}

/// The 12-step rebuild of `table` into its definition in the new schema: create it under a
/// temporary name, copy the columns both definitions have (following column renames), drop
/// the old table, take its name, and create the indexes. Foreign key enforcement is off
/// around the whole plan (see [`Planner`]); views reading the table are dropped first and
/// created again later, because renaming a table fails while a view names a missing one.
fn rebuild(p: &mut Planner<'_>, table: &QualifiedName) -> Result<(), PlanError> {
    let (old_schema, new_schema) = p.schemas("the 12-step table rebuild")?;
    let old_name = p.old_table_name(table);
    let (Some(old), Some(new)) = (old_schema.table(&old_name), new_schema.table(table)) else {
        return Err(p.unsupported("the table is missing from the old or the new schema"));
    };
    p.drop_views_around(p.views_reading(table))?;

    // Column renames of this table have not run: the rebuild covers them.
    let source_of = |column: &str| {
        p.changes()
            .iter()
            .find_map(|c| match c {
                Change::RenameColumn { table: t, from, to } if t == table && to == column => {
                    Some(from.clone())
                }
                _ => None,
            })
            .unwrap_or_else(|| column.to_owned())
    };
    let (targets, sources): (Vec<String>, Vec<String>) = new
        .columns
        .iter()
        // A generated column computes itself and refuses values.
        .filter(|c| c.generated.is_none())
        .filter_map(|c| {
            let source = source_of(&c.name);
            old.column(&source)
                .map(|_| (ident(&c.name), ident(&source)))
        })
        .unzip();

    let temporary = QualifiedName {
        schema: table.schema.clone(),
        name: format!("_dbw_new_{}", table.name),
    };
    let shell = Table {
        name: temporary.clone(),
        indexes: Vec::new(),
        ..new.clone()
    };
    let mut create = objects::table_statements(D, &shell);
    if create.is_empty() {
        return Err(p.unsupported("the renderer wrote no CREATE TABLE"));
    }
    p.push(create.remove(0));
    if !targets.is_empty() {
        p.push(format!(
            "INSERT INTO {} ({}) SELECT {} FROM {}",
            name(&temporary),
            targets.join(", "),
            sources.join(", "),
            name(table)
        ));
    }
    p.push(format!("DROP TABLE {}", name(table)));
    p.push(format!(
        "ALTER TABLE {} RENAME TO {}",
        name(&temporary),
        ident(&table.name)
    ));
    let mut statements = objects::table_statements(D, new);
    statements.remove(0);
    p.push_all(statements);
    recreate_triggers(p, table, new_schema);
    p.mark_rebuilt(table);
    Ok(())
}

/// `DROP TABLE` took the table's triggers with it: each trigger the new schema has on it comes
/// back, in its new definition; the diff's own change of such a trigger is then done. A
/// trigger the diff creates is left to that change.
fn recreate_triggers(p: &mut Planner<'_>, table: &QualifiedName, new_schema: &crate::Schema) {
    for trigger in new_schema.triggers.iter().filter(|t| &t.table == table) {
        let own_change = p.changes().iter().position(|c| match c {
            Change::CreateTrigger { trigger: t }
            | Change::ReplaceTrigger { to: t, .. }
            | Change::SetTriggerState { trigger: t, .. } => t.name == trigger.name,
            _ => false,
        });
        if let Some(at) = own_change {
            if matches!(p.changes()[at], Change::CreateTrigger { .. }) {
                continue;
            }
            p.take_over(at);
        }
        p.push(crate::render::programs::create_trigger(trigger));
    }
}
