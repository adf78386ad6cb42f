//! SQLite: every schema change holds the database write lock; what `ALTER TABLE` cannot do
//! needs the 12-step table rebuild (SQLite manual, "ALTER TABLE": only RENAME TABLE, RENAME
//! COLUMN, ADD COLUMN and DROP COLUMN exist, each with restrictions).

use super::{LockInfo, Mechanics};
use crate::Column;
use crate::diff::{Change, ColumnPosition};
use crate::render::sqlite::is_constant_default;

const WRITE_LOCK: LockInfo = LockInfo::Sqlite { rebuild: false };
const REBUILD: LockInfo = LockInfo::Sqlite { rebuild: true };

/// Whether `change` needs the table rebuild on SQLite, and why.
pub(super) fn mechanics(change: &Change) -> Mechanics {
    let plain = |why: &str| Mechanics::new(false, WRITE_LOCK, why);
    let rebuild = |why: &str| Mechanics::new(true, REBUILD, why);
    match change {
        Change::CreateNamespace { .. } | Change::DropNamespace { .. } => {
            plain("SQLite has no namespaces besides attached databases")
        }
        Change::CreateEnum { .. }
        | Change::DropEnum { .. }
        | Change::AddEnumValue { .. }
        | Change::RecreateEnum { .. } => plain("SQLite has no enum types"),
        Change::CreateSequence { .. }
        | Change::DropSequence { .. }
        | Change::AlterSequence { .. } => plain("SQLite has no sequences"),
        Change::CreateTable { .. } => plain("CREATE TABLE only adds to the schema"),
        Change::DropTable { .. } => plain("DROP TABLE deletes the rows under the write lock"),
        Change::RenameTable { .. } => plain("ALTER TABLE ... RENAME TO changes the schema only"),
        Change::AddColumn {
            column, position, ..
        } => match add_column_obstacle(column, position) {
            Some(obstacle) => Mechanics::new(
                true,
                REBUILD,
                format!("ALTER TABLE ADD COLUMN cannot add {obstacle}, so the table is rebuilt"),
            ),
            None => plain("ALTER TABLE ADD COLUMN changes the schema only"),
        },
        Change::DropColumn { dependents, .. } => {
            if dependents.iter().any(|d| d.is_table_constraint()) {
                rebuild(
                    "ALTER TABLE DROP COLUMN refuses a column used by a key, check, foreign key or generated column, so the table is rebuilt",
                )
            } else {
                plain("ALTER TABLE DROP COLUMN (SQLite 3.35+) rewrites the table's pages in place")
            }
        }
        Change::RenameColumn { .. } => {
            plain("ALTER TABLE ... RENAME COLUMN (SQLite 3.25+) changes the schema only")
        }
        Change::AlterColumn { changes, .. } => {
            let only_comment = changes.names().all(|name| name == "comment");
            if only_comment {
                plain("SQLite keeps no comments")
            } else {
                rebuild("SQLite's ALTER TABLE cannot change a column, so the table is rebuilt")
            }
        }
        Change::ReorderColumns { .. } => {
            rebuild("SQLite cannot reorder columns, so the table is rebuilt")
        }
        Change::AddPrimaryKey { .. }
        | Change::DropPrimaryKey { .. }
        | Change::AddUnique { .. }
        | Change::DropUnique { .. }
        | Change::AddForeignKey { .. }
        | Change::DropForeignKey { .. }
        | Change::AddCheck { .. }
        | Change::DropCheck { .. } => {
            rebuild("SQLite's ALTER TABLE cannot add or drop constraints, so the table is rebuilt")
        }
        Change::CreateIndex { .. } => plain("CREATE INDEX builds the index under the write lock"),
        Change::DropIndex { .. } => plain("DROP INDEX changes the schema only"),
        Change::CreateView { .. } | Change::DropView { .. } | Change::ReplaceView { .. } => {
            plain("a view is only schema text")
        }
        Change::SetComment { .. } => plain("SQLite keeps no comments"),
        Change::CreateTrigger { .. }
        | Change::DropTrigger { .. }
        | Change::ReplaceTrigger { .. }
        | Change::SetTriggerState { .. } => plain("a trigger is only schema text"),
        crate::diff::postgres_only_change!()
        | Change::CreateRoutine { .. }
        | Change::DropRoutine { .. }
        | Change::ReplaceRoutine { .. } => {
            plain("SQLite has no extensions, stored routines, user types or row-level security")
        }
    }
}

/// What `ALTER TABLE ADD COLUMN` refuses in `column` (SQLite manual, "ALTER TABLE ADD
/// COLUMN"), if anything.
fn add_column_obstacle(column: &Column, position: &ColumnPosition) -> Option<&'static str> {
    let default = column.default.as_deref().map(str::trim);
    // The same test as the plan's: SQLite's catalog prints an expression default without
    // the parentheses it was written in, so `(datetime('now'))` reads `datetime('now')`.
    let non_constant = default.is_some_and(|d| !is_constant_default(d));
    let null_default = default.is_none_or(|d| d.eq_ignore_ascii_case("NULL"));
    if *position != ColumnPosition::Last {
        Some("a column anywhere but at the end")
    } else if column.identity.is_some() {
        Some("an AUTOINCREMENT (INTEGER PRIMARY KEY) column")
    } else if column.generated.as_ref().is_some_and(|g| g.stored) {
        Some("a STORED generated column")
    } else if non_constant {
        Some("a column whose default is not a constant")
    } else if !column.nullable && null_default && column.generated.is_none() {
        Some("a NOT NULL column without a non-NULL default")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Classification, Safety, classify};
    use super::*;
    use crate::diff::{ColumnChanges, Dependent};
    use crate::{Dialect, Generated, QualifiedName};

    fn table() -> QualifiedName {
        QualifiedName::bare("t")
    }

    fn lite(change: &Change) -> Classification {
        classify(change, Dialect::Sqlite)
    }

    fn add(column: Column) -> Change {
        Change::AddColumn {
            table: table(),
            column,
            position: ColumnPosition::Last,
        }
    }

    #[test]
    fn add_column_needs_a_rebuild_only_where_alter_table_refuses() {
        let cases: Vec<(Column, bool)> = vec![
            (Column::new("c", "TEXT"), false),
            (
                Column {
                    default: Some("'x'".into()),
                    nullable: false,
                    ..Column::new("c", "TEXT")
                },
                false,
            ),
            (
                Column {
                    nullable: false,
                    ..Column::new("c", "TEXT")
                },
                true,
            ),
            (
                Column {
                    default: Some("CURRENT_TIMESTAMP".into()),
                    ..Column::new("c", "TEXT")
                },
                true,
            ),
            (
                Column {
                    default: Some("(datetime('now'))".into()),
                    ..Column::new("c", "TEXT")
                },
                true,
            ),
            // As SQLite's catalog prints it back: without the parentheses.
            (
                Column {
                    default: Some("datetime('now')".into()),
                    ..Column::new("c", "TEXT")
                },
                true,
            ),
            (
                Column {
                    default: Some("-1.5".into()),
                    ..Column::new("c", "REAL")
                },
                false,
            ),
            (
                Column {
                    generated: Some(Generated {
                        expression: "a * 2".into(),
                        stored: false,
                    }),
                    ..Column::new("c", "INTEGER")
                },
                false,
            ),
            (
                Column {
                    generated: Some(Generated {
                        expression: "a * 2".into(),
                        stored: true,
                    }),
                    ..Column::new("c", "INTEGER")
                },
                true,
            ),
        ];
        for (column, rebuild) in cases {
            let classification = lite(&add(column.clone()));
            assert_eq!(classification.rewrites_table, rebuild, "{column:?}");
            assert_eq!(
                classification.lock,
                LockInfo::Sqlite { rebuild },
                "{column:?}"
            );
        }
        let middle = Change::AddColumn {
            table: table(),
            column: Column::new("c", "TEXT"),
            position: ColumnPosition::First,
        };
        assert!(lite(&middle).rewrites_table);
    }

    #[test]
    fn drop_column_rebuilds_only_when_a_constraint_uses_it() {
        let drop = |dependents| Change::DropColumn {
            table: table(),
            column: Column::new("c", "TEXT"),
            dependents,
        };
        assert!(!lite(&drop(vec![])).rewrites_table);
        // Indexes are dropped by their own change first; DROP INDEX needs no rebuild.
        assert!(!lite(&drop(vec![Dependent::Index { name: "i".into() }])).rewrites_table);
        let with_check = lite(&drop(vec![Dependent::Check { name: None }]));
        assert!(with_check.rewrites_table);
        assert_eq!(with_check.safety, Safety::Destructive);
    }

    #[test]
    fn alter_column_and_constraints_rebuild() {
        let from = Column::new("c", "TEXT");
        let to = Column {
            nullable: false,
            ..from.clone()
        };
        let alter = Change::AlterColumn {
            table: table(),
            changes: ColumnChanges::between(&from, &to),
            from,
            to,
            dependents: vec![],
        };
        let classification = lite(&alter);
        assert!(classification.rewrites_table);
        assert_eq!(
            classification.lock.describe(),
            "database write lock, 12-step table rebuild"
        );
        let check = Change::AddCheck {
            table: table(),
            check: crate::CheckConstraint {
                name: None,
                expression: "c <> ''".into(),
            },
        };
        assert!(lite(&check).rewrites_table);
        let index = Change::CreateIndex {
            table: table(),
            index: crate::Index {
                name: "i".into(),
                unique: false,
                parts: vec![],
                predicate: None,
                method: None,
                comment: None,
                include: Vec::new(),
                nulls_not_distinct: false,
                storage: Vec::new(),
            },
        };
        assert_eq!(lite(&index).lock.describe(), "database write lock");
        let rename = Change::RenameColumn {
            table: table(),
            from: "a".into(),
            to: "b".into(),
        };
        assert!(!lite(&rename).rewrites_table);
        assert_eq!(lite(&rename).safety, Safety::Breaking);
    }
}
