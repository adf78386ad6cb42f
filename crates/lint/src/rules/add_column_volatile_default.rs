//! `add-column-volatile-default`: a volatile default on a new column rewrites the table.

use super::{RuleDoc, Violation};
use crate::file::StatementContext;
use crate::identifiers::object_text;
use crate::version::Engine;
use sqlparser::ast::{self, AlterTableOperation, ColumnDef, ColumnOption, Expr, Spanned};
use std::ops::ControlFlow;

pub(crate) const DOC: RuleDoc = RuleDoc {
    summary: "`ADD COLUMN` with a volatile default such as `gen_random_uuid()`, `random()`, \
              `clock_timestamp()` or `nextval(...)`.",
    why: "Since PostgreSQL 11, ADD COLUMN with a constant or stable default (a literal, now(), \
          CURRENT_TIMESTAMP) is instant: the value is computed once and stored in the catalog. \
          A volatile default must be computed for every existing row, so PostgreSQL rewrites \
          the table and its indexes under an ACCESS EXCLUSIVE lock: no reads or writes until \
          the rewrite ends. Functions are volatile unless declared otherwise. Add the column \
          without the default, set the default for new rows, and backfill the old rows in \
          batches.",
    bad: "ALTER TABLE orders ADD COLUMN public_id uuid DEFAULT gen_random_uuid();\n",
    good: "ALTER TABLE orders ADD COLUMN public_id uuid;\n\
           ALTER TABLE orders ALTER COLUMN public_id SET DEFAULT gen_random_uuid();\n",
};

/// Functions whose value does not change within a statement (stable or immutable), so a
/// default using them is computed once.
const NON_VOLATILE: &[&str] = &[
    "now",
    "current_timestamp",
    "current_date",
    "current_time",
    "localtime",
    "localtimestamp",
    "transaction_timestamp",
    "statement_timestamp",
    "current_user",
    "session_user",
    "current_setting",
    "lower",
    "upper",
    "coalesce",
    "nullif",
    "greatest",
    "least",
    "concat",
    "length",
    "to_char",
    "to_timestamp",
    "to_date",
    "date_trunc",
    "make_interval",
    "make_date",
    "jsonb_build_object",
    "json_build_object",
    "jsonb_build_array",
    "array",
    "to_jsonb",
    "to_json",
];

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
            let default = column_def
                .options
                .iter()
                .find_map(|option| match &option.option {
                    ColumnOption::Default(expr) => Some(expr),
                    _ => None,
                })?;
            let function = match volatile_function(default) {
                Some(function) => format!("{function}()"),
                // Before PostgreSQL 11 every default is written into each existing row.
                None if cx.target_before(Engine::Postgres, 11, 0, 0) && !is_null(default) => {
                    format!("{default} (before PostgreSQL 11, any default)")
                }
                None => return None,
            };
            Some(violation(alter, &table, column_def, default, &function).at(op.span()))
        })
        .collect()
}

fn is_null(expr: &Expr) -> bool {
    matches!(expr, Expr::Value(value) if value.value == ast::Value::Null)
}

/// The first function in `expr` that may be volatile.
pub(crate) fn volatile_function(expr: &Expr) -> Option<String> {
    let found = ast::visit_expressions(expr, |expr| match expr {
        Expr::Function(function) => {
            let name = crate::identifiers::object_key(&function.name);
            if NON_VOLATILE.contains(&name.as_str()) {
                ControlFlow::Continue(())
            } else {
                ControlFlow::Break(function.name.to_string())
            }
        }
        _ => ControlFlow::Continue(()),
    });
    match found {
        ControlFlow::Break(name) => Some(name),
        ControlFlow::Continue(()) => None,
    }
}

fn violation(
    alter: &ast::AlterTable,
    table: &str,
    column_def: &ColumnDef,
    default: &Expr,
    function: &str,
) -> Violation {
    let column = &column_def.name;
    let not_null = column_def
        .options
        .iter()
        .any(|option| matches!(option.option, ColumnOption::NotNull));
    let bare = ColumnDef {
        options: column_def
            .options
            .iter()
            .filter(|option| {
                !matches!(
                    option.option,
                    ColumnOption::Default(_) | ColumnOption::NotNull
                )
            })
            .cloned()
            .collect(),
        ..column_def.clone()
    };
    let name = &alter.name;
    let mut fix = format!(
        "ALTER TABLE {name} ADD COLUMN {bare};\n\
         ALTER TABLE {name} ALTER COLUMN {column} SET DEFAULT {default};\n\
         -- backfill existing rows in batches, from a migration marked -- dbwarden:no-transaction:\n\
         UPDATE {name} SET {column} = {default} WHERE {column} IS NULL AND <key range>;"
    );
    if not_null {
        fix.push_str(
            "\n-- then SET NOT NULL through a validated CHECK constraint (see set-not-null)",
        );
    }
    Violation::new(
        format!(
            "ADD COLUMN `{}` with default {function} rewrites `{table}` under an exclusive lock",
            column.value
        ),
        format!(
            "The default {function} is computed for each existing row of `{table}` by rewriting the table and its indexes under an \
             ACCESS EXCLUSIVE lock: no reads or writes until the rewrite ends. Add the column \
             without the default, set the default for new rows, and backfill old rows in \
             batches."
        ),
    )
    .fix(fix)
}

#[cfg(test)]
mod tests {
    use crate::rule::Rule;
    use crate::rules::testing::{assert_fires, assert_quiet, only};
    use dbwarden_core::Dialect;

    const RULE: Rule = Rule::AddColumnVolatileDefault;

    #[test]
    fn fires_on_volatile_defaults() {
        assert_fires(
            RULE,
            Dialect::Postgres,
            &[
                "ALTER TABLE t ADD COLUMN c uuid DEFAULT gen_random_uuid();",
                "ALTER TABLE t ADD COLUMN c float8 NOT NULL DEFAULT random();",
                "ALTER TABLE t ADD COLUMN c timestamptz DEFAULT clock_timestamp();",
                "ALTER TABLE t ADD COLUMN c bigint DEFAULT nextval('s'::regclass);",
                "ALTER TABLE t ADD COLUMN c text DEFAULT md5(random()::text);",
            ],
        );
    }

    #[test]
    fn quiet_on_constant_and_stable_defaults_and_new_tables() {
        assert_quiet(
            RULE,
            Dialect::Postgres,
            &[
                "ALTER TABLE t ADD COLUMN c timestamptz DEFAULT now();",
                "ALTER TABLE t ADD COLUMN c int NOT NULL DEFAULT 0;",
                "ALTER TABLE t ADD COLUMN c timestamptz DEFAULT CURRENT_TIMESTAMP;",
                "CREATE TABLE t (id int);\nALTER TABLE t ADD COLUMN c uuid DEFAULT gen_random_uuid();",
                "ALTER TABLE t ALTER COLUMN c SET DEFAULT gen_random_uuid();",
            ],
        );
    }

    #[test]
    fn before_postgres_11_constant_defaults_rewrite_too() {
        use crate::rules::testing::findings_for;
        for source in [
            "ALTER TABLE t ADD COLUMN c int NOT NULL DEFAULT 0;",
            "ALTER TABLE t ADD COLUMN c timestamptz DEFAULT now();",
            "ALTER TABLE t ADD COLUMN c text DEFAULT 'x';",
        ] {
            assert_eq!(
                findings_for(RULE, "postgres:10", source).len(),
                1,
                "{source}"
            );
            assert!(
                findings_for(RULE, "postgres:11", source).is_empty(),
                "{source}"
            );
        }
        for source in [
            "ALTER TABLE t ADD COLUMN c int;",
            "ALTER TABLE t ADD COLUMN c int DEFAULT NULL;",
            "CREATE TABLE t (a int);\nALTER TABLE t ADD COLUMN c int DEFAULT 0;",
        ] {
            assert!(
                findings_for(RULE, "postgres:9.6", source).is_empty(),
                "{source}"
            );
        }
    }

    #[test]
    fn fix_sets_the_default_after_adding_and_backfills() {
        let finding = only(
            RULE,
            Dialect::Postgres,
            "ALTER TABLE orders ADD COLUMN public_id uuid NOT NULL DEFAULT gen_random_uuid();",
        );
        let fix = finding.fix.expect("a fix");
        assert!(
            fix.starts_with(
                "ALTER TABLE orders ADD COLUMN public_id UUID;\n\
             ALTER TABLE orders ALTER COLUMN public_id SET DEFAULT gen_random_uuid();\n"
            ),
            "{fix}"
        );
        assert!(
            fix.contains("UPDATE orders SET public_id = gen_random_uuid() WHERE public_id IS NULL")
        );
        assert!(fix.contains("see set-not-null"));
    }
}
