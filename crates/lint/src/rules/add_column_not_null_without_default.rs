//! `add-column-not-null-without-default`: a `NOT NULL` column without a default cannot be added
//! to a table that has rows.

use super::{RuleDoc, Violation};
use crate::file::StatementContext;
use crate::identifiers::{invent, object_text};
use dbwarden_core::Dialect;
use sqlparser::ast::{AlterTableOperation, ColumnDef, ColumnOption, DataType, Spanned};

pub(crate) const DOC: RuleDoc = RuleDoc {
    summary: "`ADD COLUMN ... NOT NULL` without a `DEFAULT` on an existing table.",
    why: "The existing rows have no value for the new column, so the statement fails on any \
          table that has rows: PostgreSQL reports \"column contains null values\", and SQLite \
          refuses it outright (\"Cannot add a NOT NULL column with default value NULL\"). It \
          passes on the empty development database and fails in production. Give the column a \
          constant default (instant on PostgreSQL 11 and later), or add it nullable, backfill, \
          and set NOT NULL afterwards.",
    bad: "ALTER TABLE users ADD COLUMN plan text NOT NULL;\n",
    good: "ALTER TABLE users ADD COLUMN plan text NOT NULL DEFAULT 'free';\n",
};

pub(crate) fn check(cx: &StatementContext) -> Vec<Violation> {
    let Some(alter) = cx.alter_existing_table() else {
        return Vec::new();
    };
    let table = object_text(&alter.name);
    alter
        .operations
        .iter()
        .filter_map(|op| {
            let AlterTableOperation::AddColumn { column_def, .. } = op else {
                return None;
            };
            if !needs_default(column_def) {
                return None;
            }
            let column = &column_def.name;
            let name = &alter.name;
            let fix = match cx.dialect() {
                Dialect::Sqlite => constant_for(&column_def.data_type)
                    .map(|value| format!("ALTER TABLE {name} ADD COLUMN {column_def} DEFAULT {value};")),
                Dialect::Postgres | Dialect::Mysql => {
                    let nullable = ColumnDef {
                        options: column_def
                            .options
                            .iter()
                            .filter(|option| !matches!(option.option, ColumnOption::NotNull))
                            .cloned()
                            .collect(),
                        ..column_def.clone()
                    };
                    let check = invent(cx.dialect(), &[&table, &column.value], "not_null");
                    Some(format!(
                        "ALTER TABLE {name} ADD COLUMN {nullable};\n\
                         -- backfill {column} in batches, then:\n\
                         ALTER TABLE {name} ADD CONSTRAINT {check} CHECK ({column} IS NOT NULL) NOT VALID;\n\
                         ALTER TABLE {name} VALIDATE CONSTRAINT {check};\n\
                         ALTER TABLE {name} ALTER COLUMN {column} SET NOT NULL;\n\
                         ALTER TABLE {name} DROP CONSTRAINT {check};"
                    ))
                }
            };
            Some(Violation {
                fix,
                ..Violation::new(
                    format!(
                        "NOT NULL column `{}` without a default cannot be added to `{table}` once it has rows",
                        column.value
                    ),
                    format!(
                        "Existing rows of `{table}` have no value for `{}`, so the statement fails \
                         on any table with rows — it passes on an empty development database and \
                         fails in production. Give the column a constant default, or add it \
                         nullable, backfill it and set NOT NULL afterwards.",
                        column.value
                    ),
                )
                .at(op.span())
            })
        })
        .collect()
}

/// NOT NULL, no default, and nothing else that fills existing rows.
fn needs_default(column: &ColumnDef) -> bool {
    let mut not_null = false;
    for option in &column.options {
        match option.option {
            ColumnOption::NotNull => not_null = true,
            ColumnOption::Default(_)
            | ColumnOption::Generated { .. }
            | ColumnOption::Identity(_)
            | ColumnOption::PrimaryKey(_)
            | ColumnOption::DialectSpecific(_) => return false,
            _ => {}
        }
    }
    not_null
        && !crate::columns::is_custom(
            &column.data_type,
            &[
                "serial",
                "bigserial",
                "smallserial",
                "serial2",
                "serial4",
                "serial8",
            ],
        )
}

/// A neutral constant for SQLite's type affinities.
fn constant_for(data_type: &DataType) -> Option<&'static str> {
    match data_type {
        DataType::Int(_)
        | DataType::Integer(_)
        | DataType::BigInt(_)
        | DataType::SmallInt(_)
        | DataType::TinyInt(_)
        | DataType::Real
        | DataType::Double(_)
        | DataType::Float(_)
        | DataType::Numeric(_)
        | DataType::Decimal(_)
        | DataType::Boolean
        | DataType::Bool => Some("0"),
        DataType::Text | DataType::Varchar(_) | DataType::Char(_) | DataType::Character(_) => {
            Some("''")
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use crate::rule::Rule;
    use crate::rules::testing::{assert_fires, assert_quiet, only};
    use dbwarden_core::Dialect;

    const RULE: Rule = Rule::AddColumnNotNullWithoutDefault;

    #[test]
    fn fires_on_postgres_and_sqlite() {
        for dialect in [Dialect::Postgres, Dialect::Sqlite] {
            assert_fires(
                RULE,
                dialect,
                &[
                    "ALTER TABLE t ADD COLUMN c int NOT NULL;",
                    "ALTER TABLE t ADD COLUMN c text NOT NULL;",
                    "ALTER TABLE t ADD c varchar(10) NOT NULL CHECK (c <> '');",
                ],
            );
        }
    }

    #[test]
    fn quiet_with_defaults_nullable_or_new_tables() {
        for dialect in [Dialect::Postgres, Dialect::Sqlite] {
            assert_quiet(
                RULE,
                dialect,
                &[
                    "ALTER TABLE t ADD COLUMN c int NOT NULL DEFAULT 0;",
                    "ALTER TABLE t ADD COLUMN c int;",
                    "CREATE TABLE t (id int);\nALTER TABLE t ADD COLUMN c int NOT NULL;",
                ],
            );
        }
        assert_quiet(
            RULE,
            Dialect::Postgres,
            &["ALTER TABLE t ADD COLUMN id bigint GENERATED ALWAYS AS IDENTITY NOT NULL;"],
        );
    }

    #[test]
    fn fixes_per_engine() {
        let sqlite = only(
            RULE,
            Dialect::Sqlite,
            "ALTER TABLE t ADD COLUMN c integer NOT NULL;",
        );
        assert_eq!(
            sqlite.fix.as_deref(),
            Some("ALTER TABLE t ADD COLUMN c INTEGER NOT NULL DEFAULT 0;")
        );
        let pg = only(
            RULE,
            Dialect::Postgres,
            "ALTER TABLE t ADD COLUMN c int NOT NULL;",
        );
        assert!(
            pg.fix
                .expect("a fix")
                .starts_with("ALTER TABLE t ADD COLUMN c INT;\n")
        );
    }
}
