//! `set-not-null`: `SET NOT NULL` scans the table under an exclusive lock, unless a validated
//! `CHECK (c IS NOT NULL)` already proves it (PostgreSQL 12+).

use super::{RuleDoc, Violation};
use crate::file::StatementContext;
use crate::identifiers::{invent, key, object_key, object_text};
use crate::version::Engine;
use sqlparser::ast::{self, AlterColumnOperation, AlterTableOperation, Ident, TableConstraint};

pub(crate) const DOC: RuleDoc = RuleDoc {
    summary: "`ALTER COLUMN ... SET NOT NULL` without a validated `CHECK (column IS NOT NULL)` \
              earlier in the migration.",
    why: "SET NOT NULL takes an ACCESS EXCLUSIVE lock on the table and scans every row for \
          NULLs: nothing can read or write the table until the scan ends. From PostgreSQL 12, a \
          validated CHECK (column IS NOT NULL) constraint lets SET NOT NULL skip the scan. Add \
          the check NOT VALID (instant), VALIDATE it (a scan that lets reads and writes \
          continue), then SET NOT NULL and drop the now redundant check.",
    bad: "ALTER TABLE orders ALTER COLUMN customer_id SET NOT NULL;\n",
    good: "ALTER TABLE orders ADD CONSTRAINT orders_customer_id_not_null CHECK (customer_id IS NOT NULL) NOT VALID;\n\
           ALTER TABLE orders VALIDATE CONSTRAINT orders_customer_id_not_null;\n\
           ALTER TABLE orders ALTER COLUMN customer_id SET NOT NULL;\n\
           ALTER TABLE orders DROP CONSTRAINT orders_customer_id_not_null;\n",
};

pub(crate) fn check(cx: &StatementContext) -> Vec<Violation> {
    let Some(alter) = cx.alter_existing_table() else {
        return Vec::new();
    };
    let table = object_text(&alter.name);
    alter
        .operations
        .iter()
        .filter_map(|op| match op {
            AlterTableOperation::AlterColumn {
                column_name,
                op: AlterColumnOperation::SetNotNull,
            } if !has_validated_check(cx, &alter.name, column_name) => {
                Some(violation(cx, alter, &table, column_name))
            }
            AlterTableOperation::AlterColumn {
                column_name,
                op: AlterColumnOperation::SetNotNull,
            } if cx.target_before(Engine::Postgres, 12, 0, 0) => {
                Some(before_12(alter, &table, column_name))
            }
            _ => None,
        })
        .collect()
}

/// Before PostgreSQL 12, SET NOT NULL scans even when a validated check proves it: the check
/// itself is the online way to forbid NULLs.
fn before_12(alter: &ast::AlterTable, table: &str, column: &Ident) -> Violation {
    Violation::new(
        format!(
            "SET NOT NULL on `{table}`.`{}` scans the whole table under an exclusive lock before PostgreSQL 12",
            column.value
        ),
        format!(
            "Before PostgreSQL 12, SET NOT NULL scans every row of `{table}` under an ACCESS \
             EXCLUSIVE lock even when a validated CHECK ({column} IS NOT NULL) proves there are \
             no NULLs. Keep the validated check as the constraint instead, or run SET NOT NULL \
             in a maintenance window."
        ),
    )
    .fix(format!(
        "-- the validated CHECK ({column} IS NOT NULL) already forbids NULLs; keep it and drop:\n\
         -- ALTER TABLE {} ALTER COLUMN {column} SET NOT NULL;",
        alter.name
    ))
    .at(column.span)
}

fn violation(
    cx: &StatementContext,
    alter: &ast::AlterTable,
    table: &str,
    column: &Ident,
) -> Violation {
    let constraint = invent(cx.dialect(), &[table, &column.value], "not_null");
    let name = &alter.name;
    Violation::new(
        format!(
            "SET NOT NULL on `{table}`.`{}` scans the whole table under an exclusive lock",
            column.value
        ),
        format!(
            "SET NOT NULL takes an ACCESS EXCLUSIVE lock on `{table}` and scans every row for \
             NULLs: nothing can read or write the table until the scan ends. From PostgreSQL 12 \
             a validated CHECK ({column} IS NOT NULL) lets it skip the scan, and the check can \
             be added NOT VALID and validated while reads and writes continue."
        ),
    )
    .fix(format!(
        "ALTER TABLE {name} ADD CONSTRAINT {constraint} CHECK ({column} IS NOT NULL) NOT VALID;\n\
         ALTER TABLE {name} VALIDATE CONSTRAINT {constraint};\n\
         ALTER TABLE {name} ALTER COLUMN {column} SET NOT NULL;\n\
         ALTER TABLE {name} DROP CONSTRAINT {constraint};"
    ))
    .at(column.span)
}

/// Whether an earlier statement leaves a validated `CHECK (column IS NOT NULL)` on the table:
/// added without NOT VALID, or added NOT VALID and validated since.
pub(crate) fn has_validated_check(
    cx: &StatementContext,
    table: &ast::ObjectName,
    column: &Ident,
) -> bool {
    let table = object_key(table);
    let column = key(column);
    let mut pending: Vec<String> = Vec::new();
    for earlier in cx.earlier() {
        let Some(ast::Statement::AlterTable(alter)) = earlier.ast() else {
            continue;
        };
        if object_key(&alter.name) != table {
            continue;
        }
        for op in &alter.operations {
            match op {
                AlterTableOperation::AddConstraint {
                    constraint: TableConstraint::Check(check),
                    not_valid,
                } if proves_not_null(&check.expr, &column) => {
                    if !not_valid {
                        return true;
                    }
                    if let Some(name) = &check.name {
                        pending.push(key(name));
                    }
                }
                AlterTableOperation::ValidateConstraint { name }
                    if pending.contains(&key(name)) =>
                {
                    return true;
                }
                _ => {}
            }
        }
    }
    false
}

fn proves_not_null(expr: &ast::Expr, column: &str) -> bool {
    match expr {
        ast::Expr::IsNotNull(inner) => {
            matches!(inner.as_ref(), ast::Expr::Identifier(ident) if key(ident) == column)
        }
        ast::Expr::Nested(inner) => proves_not_null(inner, column),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use crate::rule::Rule;
    use crate::rules::testing::{assert_fires, assert_quiet, findings_for, only};

    #[test]
    fn before_postgres_12_a_validated_check_does_not_help() {
        let proven = "ALTER TABLE t ADD CONSTRAINT k CHECK (c IS NOT NULL) NOT VALID;\n\
                      ALTER TABLE t VALIDATE CONSTRAINT k;\n\
                      ALTER TABLE t ALTER COLUMN c SET NOT NULL;";
        assert!(findings_for(RULE, "postgres:12", proven).is_empty());
        let old = findings_for(RULE, "postgres:11", proven);
        assert_eq!(old.len(), 1, "{old:#?}");
        assert!(old[0].message.contains("before PostgreSQL 12"));
        assert_eq!(
            findings_for(
                RULE,
                "postgres:11",
                "ALTER TABLE t ALTER COLUMN c SET NOT NULL;"
            )
            .len(),
            1
        );
        assert!(
            findings_for(
                RULE,
                "postgres:11",
                "CREATE TABLE t (c int);\nALTER TABLE t ALTER COLUMN c SET NOT NULL;"
            )
            .is_empty()
        );
    }
    use dbwarden_core::Dialect;

    const RULE: Rule = Rule::SetNotNull;

    #[test]
    fn fires_without_a_validated_check() {
        assert_fires(
            RULE,
            Dialect::Postgres,
            &[
                "ALTER TABLE t ALTER COLUMN c SET NOT NULL;",
                "ALTER TABLE t ADD CONSTRAINT k CHECK (c IS NOT NULL) NOT VALID;\n\
                 ALTER TABLE t ALTER COLUMN c SET NOT NULL;",
                "ALTER TABLE t ADD CONSTRAINT k CHECK (d IS NOT NULL);\n\
                 ALTER TABLE t ALTER COLUMN c SET NOT NULL;",
                "ALTER TABLE u ADD CONSTRAINT k CHECK (c IS NOT NULL);\n\
                 ALTER TABLE t ALTER COLUMN c SET NOT NULL;",
            ],
        );
    }

    #[test]
    fn quiet_with_a_validated_check_or_a_new_table() {
        assert_quiet(
            RULE,
            Dialect::Postgres,
            &[
                "ALTER TABLE t ADD CONSTRAINT k CHECK (c IS NOT NULL) NOT VALID;\n\
                 ALTER TABLE t VALIDATE CONSTRAINT k;\n\
                 ALTER TABLE t ALTER COLUMN c SET NOT NULL;",
                "ALTER TABLE t ADD CONSTRAINT k CHECK ((c IS NOT NULL));\n\
                 ALTER TABLE public.t ALTER COLUMN c SET NOT NULL;",
                "CREATE TABLE t (c int);\nALTER TABLE t ALTER COLUMN c SET NOT NULL;",
                "ALTER TABLE t ALTER COLUMN c DROP NOT NULL;",
            ],
        );
    }

    #[test]
    fn fix_goes_through_a_not_valid_check() {
        let finding = only(
            RULE,
            Dialect::Postgres,
            "ALTER TABLE orders ALTER COLUMN customer_id SET NOT NULL;",
        );
        assert_eq!(
            finding.fix.as_deref(),
            Some(
                "ALTER TABLE orders ADD CONSTRAINT orders_customer_id_not_null CHECK (customer_id IS NOT NULL) NOT VALID;\n\
                 ALTER TABLE orders VALIDATE CONSTRAINT orders_customer_id_not_null;\n\
                 ALTER TABLE orders ALTER COLUMN customer_id SET NOT NULL;\n\
                 ALTER TABLE orders DROP CONSTRAINT orders_customer_id_not_null;"
            )
        );
    }
}
