//! Columns of a table present in both schemas: renamed (from hints), dropped, added, altered
//! and reordered.

use super::dependents::column_dependents;
use super::{Change, ColumnChanges, ColumnPosition, RenameSuspect};
use crate::{Schema, Table};

/// One table in both schemas.
pub(crate) struct TablePair<'a> {
    /// The old schema, for dependents.
    pub(crate) schema: &'a Schema,
    /// The table in the old schema.
    pub(crate) old: &'a Table,
    /// The same with the renames applied; its columns line up with `old`'s.
    pub(crate) renamed: &'a Table,
    /// The table in the new schema.
    pub(crate) new: &'a Table,
}

/// Adds the column changes of `pair` to `out` (renames, drops, adds, alters, reorder, in that
/// order), and the drop/add pairs that look like renames to `suspects`.
pub(crate) fn diff(pair: &TablePair<'_>, out: &mut Vec<Change>, suspects: &mut Vec<RenameSuspect>) {
    let TablePair {
        schema,
        old,
        renamed,
        new,
    } = pair;
    let table = &new.name;
    for (old_name, new_name) in old_columns_renamed(old, renamed) {
        out.push(Change::RenameColumn {
            table: table.clone(),
            from: old_name.to_owned(),
            to: new_name.to_owned(),
        });
    }
    let dropped: Vec<_> = renamed
        .columns
        .iter()
        .filter(|c| new.column(&c.name).is_none())
        .collect();
    let added: Vec<(usize, _)> = new
        .columns
        .iter()
        .enumerate()
        .filter(|(_, c)| renamed.column(&c.name).is_none())
        .collect();

    for column in &dropped {
        out.push(Change::DropColumn {
            table: table.clone(),
            column: (*column).clone(),
            // Dropped columns are never renamed, so the old name is the same.
            dependents: column_dependents(schema, old, &column.name),
        });
    }
    for (at, column) in &added {
        out.push(Change::AddColumn {
            table: table.clone(),
            column: (*column).clone(),
            position: position(new, renamed, *at),
        });
    }
    for new_column in &new.columns {
        let Some(at) = renamed
            .columns
            .iter()
            .position(|c| c.name == new_column.name)
        else {
            continue;
        };
        let (old_column, renamed_column) = (&old.columns[at], &renamed.columns[at]);
        let changes = ColumnChanges::between(renamed_column, new_column);
        if changes.is_empty() {
            continue;
        }
        let dependents = if changes.data_type || changes.collation || changes.generated {
            column_dependents(schema, old, &old_column.name)
        } else {
            Vec::new()
        };
        out.push(Change::AlterColumn {
            table: table.clone(),
            from: renamed_column.clone(),
            to: new_column.clone(),
            changes,
            dependents,
        });
    }

    let kept_old_order: Vec<String> = renamed
        .columns
        .iter()
        .filter(|c| new.column(&c.name).is_some())
        .map(|c| c.name.clone())
        .collect();
    let kept_new_order: Vec<String> = new
        .columns
        .iter()
        .filter(|c| renamed.column(&c.name).is_some())
        .map(|c| c.name.clone())
        .collect();
    // PostgreSQL cannot reorder columns (only a rebuild of the table could) and appends every
    // added column: its column order is not compared, or the plan after an `ADD COLUMN` that
    // was meant to go in the middle would find a difference no plan can remove.
    if kept_old_order != kept_new_order && schema.dialect != crate::Dialect::Postgres {
        out.push(Change::ReorderColumns {
            table: table.clone(),
            from: kept_old_order,
            to: kept_new_order,
        });
    }

    for old_column in &dropped {
        for (_, new_column) in &added {
            if old_column.data_type == new_column.data_type {
                suspects.push(RenameSuspect::Column {
                    table: table.clone(),
                    from: old_column.name.clone(),
                    to: new_column.name.clone(),
                    data_type: new_column.data_type.clone(),
                });
            }
        }
    }
}

/// (old name, new name) of the renamed columns, in old column order.
fn old_columns_renamed<'a>(
    old: &'a Table,
    renamed: &'a Table,
) -> impl Iterator<Item = (&'a str, &'a str)> {
    old.columns
        .iter()
        .zip(&renamed.columns)
        .filter(|(a, b)| a.name != b.name)
        .map(|(a, b)| (a.name.as_str(), b.name.as_str()))
}

/// Where the added column at index `at` of `new` goes: last when only added columns follow
/// it, else after the column before it (itself possibly added just before).
fn position(new: &Table, renamed: &Table, at: usize) -> ColumnPosition {
    let only_added_follow = new.columns[at + 1..]
        .iter()
        .all(|c| renamed.column(&c.name).is_none());
    match at.checked_sub(1) {
        _ if only_added_follow => ColumnPosition::Last,
        None => ColumnPosition::First,
        Some(before) => ColumnPosition::After {
            column: new.columns[before].name.clone(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::{column, public, schema, table};
    use super::super::{Dependent, RenameHints, diff};
    use super::*;
    use crate::{Column, Generated, Identity, Index, IndexKey, IndexPart, PrimaryKey};

    fn users(columns: Vec<Column>) -> Schema {
        schema(vec![table("users", columns)])
    }

    fn summaries(from: &Schema, to: &Schema, hints: &RenameHints) -> Vec<String> {
        diff(from, to, hints)
            .changes
            .iter()
            .map(Change::summary)
            .collect()
    }

    #[test]
    fn added_column_with_position() {
        let from = users(vec![column("id", "integer"), column("name", "text")]);
        let to = users(vec![
            column("id", "integer"),
            column("email", "text"),
            column("name", "text"),
            column("age", "integer"),
        ]);
        let result = diff(&from, &to, &RenameHints::new());
        let positions: Vec<ColumnPosition> = result
            .changes
            .iter()
            .filter_map(|c| match c {
                Change::AddColumn { position, .. } => Some(position.clone()),
                _ => None,
            })
            .collect();
        assert_eq!(
            positions,
            [
                ColumnPosition::After {
                    column: "id".into()
                },
                ColumnPosition::Last
            ]
        );
        assert_eq!(
            result.changes[1].summary(),
            "add column public.users.age integer NULL"
        );
    }

    #[test]
    fn dropped_column_lists_dependents() {
        let mut old = table(
            "users",
            vec![column("id", "integer"), column("email", "text")],
        );
        old.primary_key = Some(PrimaryKey {
            name: Some("users_pkey".into()),
            columns: vec!["id".into()],
        });
        old.indexes.push(Index {
            name: "users_email_idx".into(),
            unique: false,
            parts: vec![IndexPart {
                key: IndexKey::Expression("lower(email)".into()),
                descending: false,
                prefix_length: None,
                operator_class: None,
                nulls_first: None,
            }],
            predicate: None,
            method: None,
            comment: None,
            include: Vec::new(),
            nulls_not_distinct: false,
            storage: Vec::new(),
        });
        let from = schema(vec![old.clone()]);
        old.columns.pop();
        old.indexes.clear();
        let to = schema(vec![old]);
        let result = diff(&from, &to, &RenameHints::new());
        assert_eq!(
            result.changes.iter().map(Change::kind).collect::<Vec<_>>(),
            ["drop_index", "drop_column"]
        );
        assert!(matches!(
            &result.changes[1],
            Change::DropColumn { dependents, .. }
                if dependents == &[Dependent::Index { name: "users_email_idx".into() }]
        ));
    }

    #[test]
    fn drop_and_add_of_same_type_is_a_suspect_not_a_rename() {
        let from = users(vec![column("id", "integer"), column("email", "text")]);
        let to = users(vec![column("id", "integer"), column("mail", "text")]);
        let result = diff(&from, &to, &RenameHints::new());
        assert_eq!(
            result.changes.iter().map(Change::kind).collect::<Vec<_>>(),
            ["drop_column", "add_column"]
        );
        assert_eq!(
            result.rename_suspects,
            [RenameSuspect::Column {
                table: public("users"),
                from: "email".into(),
                to: "mail".into(),
                data_type: "text".into(),
            }]
        );
        assert!(
            result.rename_suspects[0]
                .message()
                .contains("looks like a rename: pass --rename public.users.email=mail")
        );
    }

    #[test]
    fn different_types_are_no_suspect() {
        let from = users(vec![column("email", "text")]);
        let to = users(vec![column("mail", "integer")]);
        assert!(
            diff(&from, &to, &RenameHints::new())
                .rename_suspects
                .is_empty()
        );
    }

    #[test]
    fn rename_only_with_hint_and_then_alter() {
        let from = users(vec![column("id", "integer"), column("email", "text")]);
        let to = users(vec![
            column("id", "integer"),
            Column {
                nullable: false,
                ..column("mail", "text")
            },
        ]);
        let hints = RenameHints::parse(&["users.email=mail".into()]).expect("valid hints");
        assert_eq!(
            summaries(&from, &to, &hints),
            [
                "rename column public.users.email to mail",
                "alter column public.users.mail: NOT NULL"
            ]
        );
        assert!(diff(&from, &to, &hints).rename_suspects.is_empty());
    }

    #[test]
    fn rename_hint_by_new_table_name_after_table_rename() {
        let from = schema(vec![table("users", vec![column("email", "text")])]);
        let to = schema(vec![table("people", vec![column("mail", "text")])]);
        let hints = RenameHints::parse(&["users=people".into(), "people.email=mail".into()])
            .expect("valid hints");
        assert_eq!(
            summaries(&from, &to, &hints),
            [
                "rename table public.users to public.people",
                "rename column public.people.email to mail"
            ]
        );
    }

    #[test]
    fn every_column_part_is_detected() {
        let before = column("c", "integer");
        let cases: Vec<(Column, ColumnChanges)> = vec![
            (
                column("c", "bigint"),
                ColumnChanges {
                    data_type: true,
                    ..ColumnChanges::default()
                },
            ),
            (
                Column {
                    nullable: false,
                    ..before.clone()
                },
                ColumnChanges {
                    nullable: true,
                    ..ColumnChanges::default()
                },
            ),
            (
                Column {
                    default: Some("0".into()),
                    ..before.clone()
                },
                ColumnChanges {
                    default: true,
                    ..ColumnChanges::default()
                },
            ),
            (
                Column {
                    identity: Some(Identity::ByDefault),
                    ..before.clone()
                },
                ColumnChanges {
                    identity: true,
                    ..ColumnChanges::default()
                },
            ),
            (
                Column {
                    generated: Some(Generated {
                        expression: "1".into(),
                        stored: true,
                    }),
                    ..before.clone()
                },
                ColumnChanges {
                    generated: true,
                    ..ColumnChanges::default()
                },
            ),
            (
                Column {
                    collation: Some("\"C\"".into()),
                    ..before.clone()
                },
                ColumnChanges {
                    collation: true,
                    ..ColumnChanges::default()
                },
            ),
            (
                Column {
                    comment: Some("note".into()),
                    ..before.clone()
                },
                ColumnChanges {
                    comment: true,
                    ..ColumnChanges::default()
                },
            ),
        ];
        for (after, expected) in cases {
            let result = diff(
                &users(vec![before.clone()]),
                &users(vec![after.clone()]),
                &RenameHints::new(),
            );
            assert_eq!(
                result.changes,
                vec![Change::AlterColumn {
                    table: public("users"),
                    from: before.clone(),
                    to: after,
                    changes: expected,
                    dependents: vec![],
                }]
            );
        }
    }

    #[test]
    fn reordered_columns() {
        let mut from = users(vec![column("a", "integer"), column("b", "integer")]);
        let mut to = users(vec![column("b", "integer"), column("a", "integer")]);
        // Not compared on PostgreSQL, which cannot reorder.
        assert!(diff(&from, &to, &RenameHints::new()).changes.is_empty());
        from.dialect = crate::Dialect::Mysql;
        to.dialect = crate::Dialect::Mysql;
        assert_eq!(
            diff(&from, &to, &RenameHints::new()).changes,
            vec![Change::ReorderColumns {
                table: public("users"),
                from: vec!["a".into(), "b".into()],
                to: vec!["b".into(), "a".into()],
            }]
        );
    }

    #[test]
    fn alter_summary_lists_the_changed_parts() {
        let from = users(vec![column("name", "character varying(10)")]);
        let to = users(vec![Column {
            nullable: false,
            default: Some("''::text".into()),
            comment: Some("x".into()),
            ..column("name", "text")
        }]);
        assert_eq!(
            summaries(&from, &to, &RenameHints::new()),
            [
                "alter column public.users.name: type character varying(10) -> text, NOT NULL, default ''::text, comment"
            ]
        );
    }
}
