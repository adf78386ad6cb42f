//! `sqlite-alter-needs-rebuild`: SQLite's `ALTER TABLE` only renames, adds and drops columns;
//! anything else needs the table rebuilt.

use super::{RuleDoc, Violation};
use crate::file::StatementContext;
use crate::identifiers::{invent, object_text};
use sqlparser::ast::{
    self, AlterTableOperation, ColumnOption, Expr, GeneratedExpressionMode, Spanned,
};

pub(crate) const DOC: RuleDoc = RuleDoc {
    summary: "SQLite `ALTER TABLE` forms SQLite cannot run: anything but `RENAME TO`, `RENAME \
              COLUMN`, `DROP COLUMN` and a plain `ADD COLUMN`.",
    why: "SQLite's ALTER TABLE supports only RENAME TO, RENAME COLUMN, ADD COLUMN and DROP \
          COLUMN, and ADD COLUMN refuses PRIMARY KEY and UNIQUE columns, non-constant defaults \
          (CURRENT_TIMESTAMP, expressions in parentheses) and STORED generated columns. Any \
          other change fails when the migration runs. It needs the table rebuilt (\"Making \
          Other Kinds Of Table Schema Changes\" in the SQLite manual): create the new table, \
          copy the rows, drop the old table and rename the new one, with foreign keys off.",
    bad: "ALTER TABLE users ALTER COLUMN email SET NOT NULL;\n",
    good: "ALTER TABLE users ADD COLUMN nickname TEXT;\n",
};

pub(crate) fn check(cx: &StatementContext) -> Vec<Violation> {
    let Some(ast::Statement::AlterTable(alter)) = cx.ast() else {
        return Vec::new();
    };
    let table = object_text(&alter.name);
    alter
        .operations
        .iter()
        .filter_map(|op| {
            let problem = unsupported(op)?;
            Some(
                Violation::new(
                    format!("SQLite cannot {problem}: `{table}` must be rebuilt"),
                    format!(
                        "SQLite's ALTER TABLE only renames tables and columns, adds plain columns \
                         and drops columns, so `{op}` fails when the migration runs. Rebuild \
                         `{table}` instead: create the new definition, copy the rows, drop the \
                         old table and rename the new one, with foreign keys off (the SQLite \
                         manual's 12-step procedure)."
                    ),
                )
                .fix(rebuild(cx, &alter.name, &table))
                .at(op.span()),
            )
        })
        .collect()
}

/// What SQLite refuses in `op`, if anything.
fn unsupported(op: &AlterTableOperation) -> Option<String> {
    match op {
        AlterTableOperation::RenameTable { .. }
        | AlterTableOperation::RenameColumn { .. }
        | AlterTableOperation::DropColumn { .. } => None,
        AlterTableOperation::AddColumn { column_def, .. } => {
            column_def
                .options
                .iter()
                .find_map(|option| match &option.option {
                    ColumnOption::PrimaryKey(_) => Some("add a PRIMARY KEY column".into()),
                    ColumnOption::Unique(_) => Some("add a UNIQUE column".into()),
                    ColumnOption::Default(expr) if !is_constant(expr) => {
                        Some("add a column with a non-constant default".into())
                    }
                    ColumnOption::Generated {
                        generation_expr_mode: Some(GeneratedExpressionMode::Stored),
                        ..
                    } => Some("add a STORED generated column".into()),
                    _ => None,
                })
        }
        other => Some(format!("run `{other}`")),
    }
}

/// SQLite accepts literals, signed numbers and NULL as an added column's default.
fn is_constant(expr: &Expr) -> bool {
    match expr {
        Expr::Value(_) => true,
        Expr::UnaryOp { expr, .. } => matches!(expr.as_ref(), Expr::Value(_)),
        _ => false,
    }
}

fn rebuild(cx: &StatementContext, name: &ast::ObjectName, table: &str) -> String {
    let new = invent(cx.dialect(), &["new", table], "rebuild");
    let transaction = if cx.no_transaction() {
        ""
    } else {
        "-- dbwarden:no-transaction (PRAGMA foreign_keys has no effect inside a transaction)\n"
    };
    format!(
        "{transaction}PRAGMA foreign_keys = OFF;\n\
         BEGIN;\n\
         CREATE TABLE {new} (/* the columns of {table}, with the change applied */);\n\
         INSERT INTO {new} SELECT /* the columns of {table} */ FROM {name};\n\
         DROP TABLE {name};\n\
         ALTER TABLE {new} RENAME TO {name};\n\
         -- recreate the indexes, triggers and views of {table} here\n\
         PRAGMA foreign_key_check;\n\
         COMMIT;\n\
         PRAGMA foreign_keys = ON;"
    )
}

#[cfg(test)]
mod tests {
    use crate::rule::Rule;
    use crate::rules::testing::{assert_fires, assert_quiet, only};
    use dbwarden_core::Dialect;

    const RULE: Rule = Rule::SqliteAlterNeedsRebuild;

    #[test]
    fn fires_on_forms_sqlite_refuses() {
        assert_fires(
            RULE,
            Dialect::Sqlite,
            &[
                "ALTER TABLE t ALTER COLUMN c SET NOT NULL;",
                "ALTER TABLE t ADD CONSTRAINT u UNIQUE (c);",
                "ALTER TABLE t ADD COLUMN id INTEGER PRIMARY KEY;",
                "ALTER TABLE t ADD COLUMN at TEXT DEFAULT CURRENT_TIMESTAMP;",
                "ALTER TABLE t ADD COLUMN n INTEGER DEFAULT (1 + 1);",
                "CREATE TABLE t (c int);\nALTER TABLE t ALTER COLUMN c TYPE bigint;",
            ],
        );
    }

    #[test]
    fn quiet_on_supported_forms() {
        assert_quiet(
            RULE,
            Dialect::Sqlite,
            &[
                "ALTER TABLE t ADD COLUMN c TEXT;",
                "ALTER TABLE t ADD COLUMN c INTEGER NOT NULL DEFAULT -1;",
                "ALTER TABLE t RENAME COLUMN a TO b;",
                "ALTER TABLE t RENAME TO u;",
                "ALTER TABLE t DROP COLUMN c;",
            ],
        );
        assert_quiet(
            RULE,
            Dialect::Postgres,
            &["ALTER TABLE t ALTER COLUMN c SET NOT NULL;"],
        );
    }

    #[test]
    fn fix_is_the_rebuild_procedure() {
        let finding = only(
            RULE,
            Dialect::Sqlite,
            "ALTER TABLE users ALTER COLUMN email SET NOT NULL;",
        );
        let fix = finding.fix.expect("a fix");
        assert!(fix.starts_with("-- dbwarden:no-transaction"));
        assert!(fix.contains("INSERT INTO new_users_rebuild SELECT"));
        assert!(fix.contains("ALTER TABLE new_users_rebuild RENAME TO users;"));
        assert!(finding.message.contains("ALTER COLUMN email SET NOT NULL"));
    }
}
