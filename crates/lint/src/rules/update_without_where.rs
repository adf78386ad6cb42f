//! `update-without-where`: an `UPDATE` that rewrites every row.

use super::{RuleDoc, Violation};
use crate::file::StatementContext;
use sqlparser::ast::{self, TableFactor};

pub(crate) const DOC: RuleDoc = RuleDoc {
    summary: "`UPDATE` without `WHERE`.",
    why: "An UPDATE without WHERE overwrites a column in every row: the old values are gone once \
          the migration commits. On a large table it also locks every row until commit, \
          blocking concurrent writes to them, and on PostgreSQL writes a new version of every \
          row, doubling the table until vacuum. Add the WHERE clause; for an intended backfill, \
          update in batches (`WHERE id BETWEEN ...`) from a migration marked \
          `-- dbwarden:no-transaction`, or allow the rule with the reason for a small table.",
    bad: "UPDATE users SET newsletter = false;\n",
    good: "UPDATE users SET newsletter = false WHERE newsletter IS NULL AND id BETWEEN 1 AND 10000;\n",
};

pub(crate) fn check(cx: &StatementContext) -> Vec<Violation> {
    let Some(ast::Statement::Update(update)) = cx.ast() else {
        return Vec::new();
    };
    if update.selection.is_some() {
        return Vec::new();
    }
    let TableFactor::Table { name, .. } = &update.table.relation else {
        return Vec::new();
    };
    if cx.is_new_table(name) {
        return Vec::new();
    }
    vec![Violation::new(
        format!("UPDATE without WHERE rewrites every row of `{name}`"),
        format!(
            "An UPDATE without WHERE overwrites the old values of every row of `{name}` for \
             good, locks every row until the migration commits and, on PostgreSQL, writes a new \
             version of each row. Add the WHERE clause, or backfill in batches from a migration \
             marked `-- dbwarden:no-transaction`; for a small table, allow this rule with the \
             reason."
        ),
    )]
}

#[cfg(test)]
mod tests {
    use crate::rule::Rule;
    use crate::rules::testing::{assert_fires, assert_quiet};
    use dbwarden_core::Dialect;

    const RULE: Rule = Rule::UpdateWithoutWhere;

    #[test]
    fn fires_on_every_engine() {
        for dialect in [Dialect::Postgres, Dialect::Mysql, Dialect::Sqlite] {
            assert_fires(
                RULE,
                dialect,
                &[
                    "UPDATE t SET a = 1;",
                    "UPDATE t SET a = a + 1, b = NULL;",
                    "CREATE TABLE other (id int);\nUPDATE t SET a = 1;",
                ],
            );
        }
    }

    #[test]
    fn quiet_with_where_or_on_new_tables() {
        for dialect in [Dialect::Postgres, Dialect::Mysql, Dialect::Sqlite] {
            assert_quiet(
                RULE,
                dialect,
                &[
                    "UPDATE t SET a = 1 WHERE id = 2;",
                    "UPDATE t SET a = 1 WHERE a IS NULL;",
                    "CREATE TABLE t (a int);\nUPDATE t SET a = 1;",
                ],
            );
        }
    }
}
