//! Tables: created, dropped, renamed (from hints), and the changes inside each table that is
//! in both schemas.

use super::dependents::table_dependents;
use super::pairing::Renames;
use super::{Change, CommentTarget, Phases, RenameSuspect, columns, constraints, indexes};
use crate::{QualifiedName, Schema, Table};
use std::collections::{HashMap, HashSet};

/// Adds every table change of `from` → `to` to `phases`, and table rename suspects.
pub(crate) fn diff(
    from: &Schema,
    to: &Schema,
    renames: &Renames,
    phases: &mut Phases,
    suspects: &mut Vec<RenameSuspect>,
) {
    for (old, new) in renames.table_renames() {
        phases.tables_renamed.push(Change::RenameTable {
            from: old.clone(),
            to: new.clone(),
        });
    }
    // Old tables by their name after the renames, and the new names: a lookup per table
    // instead of a scan of the other schema (quadratic on thousands of tables).
    let old_by_new_name: HashMap<QualifiedName, &Table> = from
        .tables
        .iter()
        .map(|old| (renames.table(&old.name), old))
        .collect();
    let new_names: HashSet<&QualifiedName> = to.tables.iter().map(|new| &new.name).collect();
    let old_of = |new: &Table| old_by_new_name.get(&new.name).copied();
    let dropped: Vec<&Table> = from
        .tables
        .iter()
        .filter(|old| !new_names.contains(&renames.table(&old.name)))
        .collect();
    let created: Vec<&Table> = to
        .tables
        .iter()
        .filter(|new| old_of(new).is_none())
        .collect();

    for table in &dropped {
        phases.tables_dropped.push(Change::DropTable {
            table: (*table).clone(),
            dependents: table_dependents(from, table),
        });
    }
    for table in &created {
        phases.tables_created.push(Change::CreateTable {
            table: (*table).clone(),
        });
    }
    for old in &dropped {
        for new in &created {
            if looks_renamed(old, new) {
                suspects.push(RenameSuspect::Table {
                    from: old.name.clone(),
                    to: new.name.clone(),
                });
            }
        }
    }
    for new in &to.tables {
        if let Some(old) = old_of(new) {
            diff_table(from, old, new, renames, phases, suspects);
        }
    }
}

/// Whether a dropped and an added table have the same columns (names and types, in order).
fn looks_renamed(old: &Table, new: &Table) -> bool {
    !old.columns.is_empty()
        && old.columns.len() == new.columns.len()
        && old
            .columns
            .iter()
            .zip(&new.columns)
            .all(|(a, b)| a.name == b.name && a.data_type == b.data_type)
}

/// The changes inside a table present in both schemas.
fn diff_table(
    from: &Schema,
    old: &Table,
    new: &Table,
    renames: &Renames,
    phases: &mut Phases,
    suspects: &mut Vec<RenameSuspect>,
) {
    let renamed = renames.apply(old);
    let index_changes = indexes::diff(&renamed, new);
    let constraint_changes = constraints::diff(&renamed, new);

    phases
        .foreign_keys_dropped
        .extend(constraint_changes.foreign_keys_dropped);
    phases.table_parts_dropped.extend(index_changes.dropped);
    phases
        .table_parts_dropped
        .extend(constraint_changes.dropped);

    columns::diff(
        &columns::TablePair {
            schema: from,
            old,
            renamed: &renamed,
            new,
        },
        &mut phases.tables_altered,
        suspects,
    );
    phases.tables_altered.extend(constraint_changes.added);
    phases.tables_altered.extend(index_changes.added);
    if renamed.comment != new.comment {
        phases.tables_altered.push(Change::SetComment {
            target: CommentTarget::Table {
                name: new.name.clone(),
            },
            from: renamed.comment.clone(),
            to: new.comment.clone(),
        });
    }
    phases
        .foreign_keys_added
        .extend(constraint_changes.foreign_keys_added);
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::{column, schema, table};
    use super::super::{Dependent, RenameHints, diff};
    use super::*;
    use crate::{ForeignKey, ForeignKeyAction, QualifiedName, View};

    #[test]
    fn identical_schemas_have_no_changes() {
        let s = schema(vec![table("users", vec![column("id", "integer")])]);
        let result = diff(&s, &s, &RenameHints::new());
        assert!(result.is_empty());
        assert!(result.rename_suspects.is_empty());
    }

    #[test]
    fn created_and_dropped_tables() {
        let from = schema(vec![table("old", vec![column("id", "integer")])]);
        let to = schema(vec![table("new", vec![column("id", "bigint")])]);
        let result = diff(&from, &to, &RenameHints::new());
        assert_eq!(
            result.changes,
            vec![
                Change::DropTable {
                    table: from.tables[0].clone(),
                    dependents: vec![],
                },
                Change::CreateTable {
                    table: to.tables[0].clone(),
                },
            ]
        );
        // Different column types: not a rename suspect.
        assert!(result.rename_suspects.is_empty());
    }

    #[test]
    fn same_columns_make_a_table_rename_suspect_not_a_rename() {
        let from = schema(vec![table("users", vec![column("id", "integer")])]);
        let to = schema(vec![table("customers", vec![column("id", "integer")])]);
        let result = diff(&from, &to, &RenameHints::new());
        assert_eq!(
            result.changes.iter().map(Change::kind).collect::<Vec<_>>(),
            ["drop_table", "create_table"]
        );
        assert_eq!(
            result.rename_suspects,
            vec![RenameSuspect::Table {
                from: QualifiedName::new("public", "users"),
                to: QualifiedName::new("public", "customers"),
            }]
        );
        assert!(
            result.rename_suspects[0]
                .message()
                .contains("looks like a rename: pass --rename public.users=public.customers")
        );
    }

    #[test]
    fn table_rename_from_hint_then_changes_under_the_new_name() {
        let from = schema(vec![table("users", vec![column("id", "integer")])]);
        let to = schema(vec![table(
            "customers",
            vec![column("id", "integer"), column("email", "text")],
        )]);
        let hints = RenameHints::parse(&["users=customers".to_owned()]).expect("valid hints");
        let result = diff(&from, &to, &hints);
        let summaries: Vec<String> = result.changes.iter().map(Change::summary).collect();
        assert_eq!(
            summaries,
            [
                "rename table public.users to public.customers",
                "add column public.customers.email text NULL"
            ]
        );
        assert!(result.rename_suspects.is_empty());
        assert!(result.unused_hints.is_empty());
    }

    #[test]
    fn foreign_keys_follow_a_renamed_table() {
        let mut orders = table("orders", vec![column("user_id", "integer")]);
        orders.foreign_keys.push(ForeignKey {
            name: Some("orders_user_fk".into()),
            columns: vec!["user_id".into()],
            referenced_table: QualifiedName::new("public", "users"),
            referenced_columns: vec!["id".into()],
            on_delete: ForeignKeyAction::Cascade,
            on_update: ForeignKeyAction::NoAction,
            match_full: false,
            deferrable: false,
            initially_deferred: false,
        });
        let users = table("users", vec![column("id", "integer")]);
        let from = schema(vec![orders.clone(), users]);
        orders.foreign_keys[0].referenced_table = QualifiedName::new("public", "people");
        let to = schema(vec![orders, table("people", vec![column("id", "integer")])]);
        let hints = RenameHints::new()
            .rename_table(QualifiedName::bare("users"), QualifiedName::bare("people"));
        let result = diff(&from, &to, &hints);
        assert_eq!(
            result.changes,
            vec![Change::RenameTable {
                from: QualifiedName::new("public", "users"),
                to: QualifiedName::new("public", "people"),
            }]
        );
    }

    #[test]
    fn hints_that_fit_nothing_are_reported_unused() {
        let s = schema(vec![table("users", vec![column("id", "integer")])]);
        let hints = RenameHints::parse(&["users=customers".into(), "users.nme=name".into()])
            .expect("valid hints");
        let result = diff(&s, &s, &hints);
        assert!(result.is_empty());
        let reasons: Vec<&str> = result
            .unused_hints
            .iter()
            .map(|u| u.reason.as_str())
            .collect();
        assert_eq!(
            reasons,
            [
                "table public.users is still in the new schema",
                "no column nme in table public.users of the old schema"
            ]
        );
    }

    #[test]
    fn dropped_table_lists_what_uses_it() {
        let users = table("users", vec![column("id", "integer")]);
        let mut orders = table("orders", vec![column("user_id", "integer")]);
        orders.foreign_keys.push(ForeignKey {
            name: Some("orders_user_fk".into()),
            columns: vec!["user_id".into()],
            referenced_table: users.name.clone(),
            referenced_columns: vec!["id".into()],
            on_delete: ForeignKeyAction::NoAction,
            on_update: ForeignKeyAction::NoAction,
            match_full: false,
            deferrable: false,
            initially_deferred: false,
        });
        let mut from = schema(vec![orders.clone(), users]);
        from.views.push(View {
            name: QualifiedName::new("public", "active_users"),
            definition: "SELECT id FROM users".into(),
            depends_on: vec![QualifiedName::new("public", "users")],
            comment: None,
            grants: Vec::new(),
        });
        orders.foreign_keys.clear();
        let to = schema(vec![orders]);
        let result = diff(&from, &to, &RenameHints::new());
        let dependents = result.changes.iter().find_map(|c| match c {
            Change::DropTable { dependents, .. } => Some(dependents.clone()),
            _ => None,
        });
        assert_eq!(
            dependents,
            Some(vec![
                Dependent::ReferencedBy {
                    table: QualifiedName::new("public", "orders"),
                    name: Some("orders_user_fk".into()),
                },
                Dependent::View {
                    name: QualifiedName::new("public", "active_users"),
                },
            ])
        );
        // The foreign key goes before the table it references, the view before both.
        let kinds: Vec<&str> = result.changes.iter().map(Change::kind).collect();
        assert_eq!(kinds, ["drop_view", "drop_foreign_key", "drop_table"]);
    }

    #[test]
    fn table_comment_change() {
        let from = schema(vec![table("users", vec![column("id", "integer")])]);
        let mut to = from.clone();
        to.tables[0].comment = Some("people".into());
        let result = diff(&from, &to, &RenameHints::new());
        assert_eq!(
            result.changes,
            vec![Change::SetComment {
                target: CommentTarget::Table {
                    name: QualifiedName::new("public", "users"),
                },
                from: None,
                to: Some("people".into()),
            }]
        );
        assert_eq!(result.changes[0].table(), Some(&to.tables[0].name));
    }
}
