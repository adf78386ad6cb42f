//! `truncate`: `TRUNCATE` deletes every row, and with `CASCADE` the rows of other tables too.

use super::{RuleDoc, Violation};
use crate::file::StatementContext;
use dbwarden_core::Dialect;
use sqlparser::ast::{self, CascadeOption};

pub(crate) const DOC: RuleDoc = RuleDoc {
    summary: "`TRUNCATE`, and especially `TRUNCATE ... CASCADE`.",
    why: "TRUNCATE deletes every row of the table at once under an ACCESS EXCLUSIVE lock; only a \
          backup brings the rows back, and on MySQL it commits implicitly, so not even the \
          migration's own failure can roll it back. With CASCADE, PostgreSQL also empties every \
          table that references it through a foreign key, recursively — tables the statement \
          does not even name. If emptying the table is really intended, allow the rule with \
          the reason; never use CASCADE in a migration.",
    bad: "TRUNCATE customers CASCADE;\n",
    good: "-- dbwarden:allow truncate staging table, reloaded nightly from the warehouse\n\
           TRUNCATE import_staging RESTRICT;\n",
};

pub(crate) fn check(cx: &StatementContext) -> Vec<Violation> {
    let Some(ast::Statement::Truncate(truncate)) = cx.ast() else {
        return Vec::new();
    };
    let existing: Vec<String> = truncate
        .table_names
        .iter()
        .filter(|target| !cx.is_new_table(&target.name))
        .map(|target| format!("`{}`", target.name))
        .collect();
    if existing.is_empty() {
        return Vec::new();
    }
    let listed = existing.join(", ");
    let how = match cx.dialect() {
        Dialect::Mysql => {
            "drops and recreates the table, commits implicitly and cannot be rolled back"
        }
        Dialect::Postgres | Dialect::Sqlite => "takes an ACCESS EXCLUSIVE lock",
    };
    let violation = if truncate.cascade == Some(CascadeOption::Cascade) {
        Violation::new(
            format!(
                "TRUNCATE {listed} CASCADE deletes every row, and every row of the tables that reference it"
            ),
            format!(
                "TRUNCATE deletes every row under an ACCESS EXCLUSIVE lock, and CASCADE also \
                 empties every table with a foreign key to {listed}, recursively — tables this \
                 statement does not name. Only a backup brings them back. Name every table to \
                 empty explicitly and use RESTRICT, so a forgotten reference fails instead of \
                 deleting data."
            ),
        )
        .fix(format!(
            "TRUNCATE {} RESTRICT;",
            existing
                .iter()
                .map(|name| name.trim_matches('`'))
                .collect::<Vec<_>>()
                .join(", ")
        ))
    } else {
        Violation::new(
            format!("TRUNCATE {listed} deletes every row"),
            format!(
                "TRUNCATE deletes every row of {listed} at once and {how}; only a backup brings \
                 them back. If emptying the table is intended, allow this rule with the reason."
            ),
        )
    };
    vec![violation]
}

#[cfg(test)]
mod tests {
    use crate::rule::Rule;
    use crate::rules::testing::{assert_fires, assert_quiet, only};
    use dbwarden_core::Dialect;

    const RULE: Rule = Rule::Truncate;

    #[test]
    fn fires_on_postgres_and_mysql() {
        assert_fires(
            RULE,
            Dialect::Postgres,
            &["TRUNCATE t;", "TRUNCATE TABLE a, b;", "TRUNCATE t CASCADE;"],
        );
        assert_fires(
            RULE,
            Dialect::Mysql,
            &[
                "TRUNCATE t;",
                "TRUNCATE TABLE t;",
                "SELECT 1;\nTRUNCATE TABLE `t`;",
            ],
        );
    }

    #[test]
    fn cascade_is_called_out_with_a_restrict_fix() {
        let finding = only(RULE, Dialect::Postgres, "TRUNCATE orders CASCADE;");
        assert!(finding.message.contains("CASCADE"));
        assert_eq!(finding.fix.as_deref(), Some("TRUNCATE orders RESTRICT;"));
        let mysql = only(RULE, Dialect::Mysql, "TRUNCATE TABLE t;");
        assert!(mysql.why.contains("implicitly"));
        assert!(!mysql.why.contains("ACCESS EXCLUSIVE"));
    }

    #[test]
    fn quiet_on_new_tables_and_deletes() {
        assert_quiet(
            RULE,
            Dialect::Postgres,
            &[
                "CREATE TABLE t (c int);\nTRUNCATE t;",
                "DELETE FROM t WHERE id = 1;",
                "SELECT 'TRUNCATE t';",
            ],
        );
        assert_quiet(
            RULE,
            Dialect::Mysql,
            &[
                "CREATE TABLE t (c int);\nTRUNCATE TABLE t;",
                "DELETE FROM t WHERE id = 1;",
                "DROP TABLE t;",
            ],
        );
        assert_quiet(RULE, Dialect::Sqlite, &["DELETE FROM t;"]);
    }
}
