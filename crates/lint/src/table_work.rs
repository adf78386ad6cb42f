//! How long a PostgreSQL statement holds its lock: whether it rewrites, scans or indexes every
//! row of a table that exists before the migration. Such a statement holds a lock that blocks
//! traffic for as long as the table takes to process, which grows with the table.
//!
//! The concurrent forms (`CREATE INDEX CONCURRENTLY`, `VALIDATE CONSTRAINT`) take long too,
//! but let reads and writes go on, so they are not counted here.

use crate::analysis::OpaqueForm;
use crate::file::StatementContext;
use crate::identifiers;
use crate::rules::{
    add_column_identity_or_serial::numbering, add_column_volatile_default::volatile_function,
    alter_column_type::maybe_binary_compatible, set_not_null::has_validated_check,
};
use crate::version::Engine;
use dbwarden_core::Dialect;
use sqlparser::ast::{
    self, AlterColumnOperation, AlterTableOperation, ColumnOption, Expr, TableConstraint, Value,
};

/// Work on every row of an existing table, under a lock that blocks traffic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TableWork {
    /// The table, as written.
    pub(crate) table: String,
    pub(crate) kind: WorkKind,
}

/// What the statement does to every row, weakest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum WorkKind {
    /// Reads every row (a NOT NULL or constraint check).
    Scan,
    /// Reads every row into a new index.
    IndexBuild,
    /// Writes a new copy of every row and rebuilds the indexes.
    Rewrite,
}

impl WorkKind {
    /// A verb phrase, followed by the table.
    pub(crate) fn verb(self) -> &'static str {
        match self {
            WorkKind::Scan => "scans every row of",
            WorkKind::IndexBuild => "builds an index over every row of",
            WorkKind::Rewrite => "rewrites",
        }
    }
}

/// The work the statement does on every row of an existing table, on PostgreSQL.
pub(crate) fn table_work(cx: &StatementContext) -> Option<TableWork> {
    if cx.dialect() != Dialect::Postgres {
        return None;
    }
    if let Some(form) = cx.opaque() {
        let work = |table: &Option<String>, kind| {
            let new = table
                .as_deref()
                .is_some_and(|t| cx.is_new_table_key(&identifiers::written_key(t)));
            (!new).then(|| TableWork {
                table: table.clone().unwrap_or_else(|| "every table".into()),
                kind,
            })
        };
        return match form {
            OpaqueForm::Vacuum { full: true, table } | OpaqueForm::Cluster { table } => {
                work(table, WorkKind::Rewrite)
            }
            OpaqueForm::Reindex {
                target,
                name,
                concurrently: false,
            } => Some(TableWork {
                table: format!(
                    "{} {}",
                    target.to_lowercase(),
                    name.as_deref().unwrap_or_default()
                )
                .trim()
                .to_string(),
                kind: WorkKind::IndexBuild,
            }),
            _ => None,
        };
    }
    match cx.ast()? {
        ast::Statement::AlterTable(alter) if !cx.is_new_table(&alter.name) => {
            let kind = alter
                .operations
                .iter()
                .filter_map(|op| operation_work(cx, &alter.name, op))
                .max()?;
            Some(TableWork {
                table: alter.name.to_string(),
                kind,
            })
        }
        ast::Statement::CreateIndex(create)
            if !create.concurrently && !cx.is_new_table(&create.table_name) =>
        {
            Some(TableWork {
                table: create.table_name.to_string(),
                kind: WorkKind::IndexBuild,
            })
        }
        ast::Statement::Vacuum(vacuum)
            if vacuum.full
                && !vacuum
                    .table_name
                    .as_ref()
                    .is_some_and(|table| cx.is_new_table(table)) =>
        {
            Some(TableWork {
                table: vacuum
                    .table_name
                    .as_ref()
                    .map_or_else(|| "every table".into(), ToString::to_string),
                kind: WorkKind::Rewrite,
            })
        }
        _ => None,
    }
}

fn operation_work(
    cx: &StatementContext,
    table: &ast::ObjectName,
    op: &AlterTableOperation,
) -> Option<WorkKind> {
    match op {
        AlterTableOperation::AddColumn { column_def, .. } => {
            let default = column_def
                .options
                .iter()
                .find_map(|option| match &option.option {
                    ColumnOption::Default(expr) => Some(expr),
                    _ => None,
                });
            let rewrites = numbering(column_def).is_some()
                || default.is_some_and(|expr| {
                    volatile_function(expr).is_some()
                        // Before PostgreSQL 11 every non-null default is written into each row.
                        || (cx.target_before(Engine::Postgres, 11, 0, 0) && !is_null(expr))
                })
                || column_def.options.iter().any(|option| {
                    matches!(
                        option.option,
                        ColumnOption::Generated {
                            generation_expr: Some(_),
                            ..
                        }
                    )
                });
            let indexes = column_def.options.iter().any(|option| {
                matches!(
                    option.option,
                    ColumnOption::PrimaryKey(_) | ColumnOption::Unique(_)
                )
            });
            if rewrites {
                Some(WorkKind::Rewrite)
            } else if indexes {
                Some(WorkKind::IndexBuild)
            } else {
                None
            }
        }
        AlterTableOperation::AlterColumn {
            op:
                AlterColumnOperation::SetDataType {
                    data_type, using, ..
                },
            ..
        } if using.is_some() || !maybe_binary_compatible(data_type) => Some(WorkKind::Rewrite),
        AlterTableOperation::AlterColumn {
            column_name,
            op: AlterColumnOperation::SetNotNull,
        } if !has_validated_check(cx, table, column_name)
            || cx.target_before(Engine::Postgres, 12, 0, 0) =>
        {
            Some(WorkKind::Scan)
        }
        AlterTableOperation::AddConstraint {
            constraint: TableConstraint::Check(_) | TableConstraint::ForeignKey(_),
            not_valid: false,
        } => Some(WorkKind::Scan),
        AlterTableOperation::AddConstraint {
            constraint: TableConstraint::PrimaryKey(_) | TableConstraint::Unique(_),
            ..
        } => Some(WorkKind::IndexBuild),
        _ => None,
    }
}

fn is_null(expr: &Expr) -> bool {
    matches!(expr, Expr::Value(value) if value.value == Value::Null)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::file::FileContext;
    use crate::version::TargetVersion;

    fn work(source: &str, target: Option<&str>) -> Option<WorkKind> {
        let dialect = Dialect::Postgres;
        let statements = dbwarden_sql::split(source, dialect).expect("splits");
        let target = target.map(|t| TargetVersion::parse(t, dialect).expect("version"));
        let file = FileContext::new(source, dialect, statements).with_target(target);
        let cx = StatementContext {
            file: &file,
            index: file.statements.len() - 1,
        };
        table_work(&cx).map(|work| work.kind)
    }

    #[test]
    fn classifies_the_work_per_statement() {
        use WorkKind::*;
        assert_eq!(
            work("ALTER TABLE t ALTER COLUMN c TYPE bigint", None),
            Some(Rewrite)
        );
        assert_eq!(work("ALTER TABLE t ALTER COLUMN c TYPE text", None), None);
        assert_eq!(
            work("ALTER TABLE t ALTER COLUMN c SET NOT NULL", None),
            Some(Scan)
        );
        assert_eq!(
            work("ALTER TABLE t ADD CONSTRAINT k CHECK (c > 0)", None),
            Some(Scan)
        );
        assert_eq!(
            work(
                "ALTER TABLE t ADD CONSTRAINT k CHECK (c > 0) NOT VALID",
                None
            ),
            None
        );
        assert_eq!(work("ALTER TABLE t VALIDATE CONSTRAINT k", None), None);
        assert_eq!(
            work("ALTER TABLE t ADD PRIMARY KEY (id)", None),
            Some(IndexBuild)
        );
        assert_eq!(work("CREATE INDEX i ON t (c)", None), Some(IndexBuild));
        assert_eq!(work("CREATE INDEX CONCURRENTLY i ON t (c)", None), None);
        assert_eq!(work("VACUUM FULL t", None), Some(Rewrite));
        assert_eq!(work("REINDEX TABLE t", None), Some(IndexBuild));
        assert_eq!(
            work(
                "ALTER TABLE t ADD COLUMN c uuid DEFAULT gen_random_uuid()",
                None
            ),
            Some(Rewrite)
        );
        assert_eq!(work("ALTER TABLE t ADD COLUMN c int", None), None);
        assert_eq!(
            work("CREATE TABLE t (c int);\nCREATE INDEX i ON t (c)", None),
            None
        );
    }

    #[test]
    fn older_servers_do_more_work() {
        let add = "ALTER TABLE t ADD COLUMN c int NOT NULL DEFAULT 0";
        assert_eq!(work(add, None), None);
        assert_eq!(work(add, Some("12")), None);
        assert_eq!(work(add, Some("10")), Some(WorkKind::Rewrite));
        assert_eq!(
            work("ALTER TABLE t ADD COLUMN c int DEFAULT NULL", Some("10")),
            None
        );
        let proven = "ALTER TABLE t ADD CONSTRAINT k CHECK (c IS NOT NULL);\n\
                      ALTER TABLE t ALTER COLUMN c SET NOT NULL";
        assert_eq!(work(proven, None), None);
        assert_eq!(work(proven, Some("11")), Some(WorkKind::Scan));
    }
}
