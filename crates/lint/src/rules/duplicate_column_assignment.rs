//! `duplicate-column-assignment`: the same column set twice in one `UPDATE` or listed twice in
//! one `INSERT`.

use super::{RuleDoc, Violation};
use crate::file::StatementContext;
use crate::identifiers::{key, object_key};
use sqlparser::ast::{self, AssignmentTarget, ObjectName, Spanned};

pub(crate) const DOC: RuleDoc = RuleDoc {
    summary: "The same column assigned twice in one `UPDATE ... SET` or listed twice in an \
              `INSERT` column list.",
    why: "PostgreSQL rejects the statement (\"multiple assignments to same column\"), so the \
          migration fails when it runs; MySQL and SQLite accept it and apply the assignments in \
          order, so one of them is silently lost. Either way one assignment is a mistake — \
          usually a copy-paste that meant another column.",
    bad: "UPDATE users SET email = lower(email), email = trim(email) WHERE id < 1000;\n",
    good: "UPDATE users SET email = lower(trim(email)) WHERE id < 1000;\n",
};

pub(crate) fn check(cx: &StatementContext) -> Vec<Violation> {
    let (kind, columns): (&str, Vec<&ObjectName>) = match cx.ast() {
        Some(ast::Statement::Update(update)) => (
            "UPDATE",
            update
                .assignments
                .iter()
                .flat_map(|assignment| match &assignment.target {
                    AssignmentTarget::ColumnName(name) => vec![name],
                    AssignmentTarget::Tuple(names) => names.iter().collect(),
                })
                .collect(),
        ),
        Some(ast::Statement::Insert(insert)) => ("INSERT", insert.columns.iter().collect()),
        _ => return Vec::new(),
    };
    let mut seen: Vec<&ObjectName> = Vec::new();
    let mut violations = Vec::new();
    for column in columns {
        if seen.iter().any(|earlier| same_column(earlier, column)) {
            violations.push(
                Violation::new(
                    format!("{kind} assigns column `{column}` more than once"),
                    "PostgreSQL rejects the statement (\"multiple assignments to same column\"); \
                     MySQL and SQLite apply the assignments in order and silently lose one. One \
                     of them is a mistake, usually meant for another column.",
                )
                .at(column.span()),
            );
        } else {
            seen.push(column);
        }
    }
    violations
}

/// Whether two assignment targets name the same column. Two qualified targets with different
/// qualifiers are different columns: `o.updated_at` and `c.updated_at` in a MySQL multi-table
/// UPDATE, or subfields of two composite columns in PostgreSQL.
fn same_column(a: &ObjectName, b: &ObjectName) -> bool {
    let parts = |name: &ObjectName| -> Vec<String> {
        name.0
            .iter()
            .map(|part| part.as_ident().map(key).unwrap_or_default())
            .collect()
    };
    object_key(a) == object_key(b) && (a.0.len() == 1 || b.0.len() == 1 || parts(a) == parts(b))
}

#[cfg(test)]
mod tests {
    use crate::rule::Rule;
    use crate::rules::testing::{assert_fires, assert_quiet};
    use dbwarden_core::Dialect;

    const RULE: Rule = Rule::DuplicateColumnAssignment;

    #[test]
    fn fires_on_repeated_columns() {
        for dialect in [Dialect::Postgres, Dialect::Mysql, Dialect::Sqlite] {
            assert_fires(
                RULE,
                dialect,
                &[
                    "UPDATE t SET a = 1, a = 2 WHERE id = 1;",
                    "UPDATE t SET a = 1, b = 2, A = 3 WHERE id = 1;",
                    "INSERT INTO t (a, b, a) VALUES (1, 2, 3);",
                ],
            );
        }
    }

    #[test]
    fn quiet_on_distinct_columns() {
        for dialect in [Dialect::Postgres, Dialect::Mysql, Dialect::Sqlite] {
            assert_quiet(
                RULE,
                dialect,
                &[
                    "UPDATE t SET a = 1, b = a WHERE id = 1;",
                    "INSERT INTO t (a, b) VALUES (1, 2), (3, 4);",
                    "INSERT INTO t VALUES (1, 1);",
                ],
            );
        }
        // Different tables of a multi-table UPDATE.
        assert_quiet(
            RULE,
            Dialect::Mysql,
            &["UPDATE orders o JOIN customers c ON c.id = o.customer_id \
               SET o.updated_at = now(), c.updated_at = now() WHERE o.id = 1;"],
        );
    }

    #[test]
    fn fires_on_the_same_column_written_with_and_without_its_table() {
        assert_fires(
            RULE,
            Dialect::Mysql,
            &[
                "UPDATE t SET t.a = 1, a = 2 WHERE id = 1;",
                "UPDATE orders o JOIN customers c ON c.id = o.customer_id \
                 SET o.total = 0, O.total = 1 WHERE o.id = 1;",
            ],
        );
    }
}
