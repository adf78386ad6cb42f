//! `create-without-if-not-exists-in-no-transaction`: a no-transaction migration that fails
//! half-way is retried from the top, so what it already created must not fail the retry.

use super::{RuleDoc, Violation, sql};
use crate::file::StatementContext;
use dbwarden_core::Dialect;
use sqlparser::ast;

pub(crate) const DOC: RuleDoc = RuleDoc {
    summary: "`CREATE TABLE/INDEX/SCHEMA/SEQUENCE/EXTENSION` without `IF NOT EXISTS` in a \
              migration marked `-- dbwarden:no-transaction`.",
    why: "A no-transaction migration is not rolled back when a statement fails: what ran before \
          stays. When it is retried, a plain CREATE of an object that already exists fails, and \
          the migration cannot get past it without a hand edit. IF NOT EXISTS makes the retry \
          pass over it. For CREATE INDEX CONCURRENTLY, dbwarden also checks for the INVALID \
          index a failed build leaves behind before retrying, since IF NOT EXISTS would keep it.",
    bad: "-- dbwarden:no-transaction\nCREATE INDEX CONCURRENTLY orders_status_idx ON orders (status);\n",
    good: "-- dbwarden:no-transaction\nCREATE INDEX CONCURRENTLY IF NOT EXISTS orders_status_idx ON orders (status);\n",
};

pub(crate) fn check(cx: &StatementContext) -> Vec<Violation> {
    if !cx.no_transaction() {
        return Vec::new();
    }
    let Some(statement) = cx.ast() else {
        return Vec::new();
    };
    let mut fixed = statement.clone();
    let what = match &mut fixed {
        ast::Statement::CreateTable(create) if !create.if_not_exists && !create.or_replace => {
            create.if_not_exists = true;
            "CREATE TABLE"
        }
        // MySQL has no CREATE INDEX IF NOT EXISTS (MariaDB does).
        ast::Statement::CreateIndex(create)
            if !create.if_not_exists && cx.dialect() != Dialect::Mysql =>
        {
            create.if_not_exists = true;
            "CREATE INDEX"
        }
        ast::Statement::CreateSchema { if_not_exists, .. }
        | ast::Statement::CreateSequence { if_not_exists, .. }
            if !*if_not_exists =>
        {
            *if_not_exists = true;
            if matches!(statement, ast::Statement::CreateSchema { .. }) {
                "CREATE SCHEMA"
            } else {
                "CREATE SEQUENCE"
            }
        }
        ast::Statement::CreateExtension(create) if !create.if_not_exists => {
            create.if_not_exists = true;
            "CREATE EXTENSION"
        }
        _ => return Vec::new(),
    };
    vec![
        Violation::new(
            format!(
                "{what} without IF NOT EXISTS fails when this no-transaction migration is retried"
            ),
            format!(
                "This migration runs without a transaction, so a failure later in it leaves this \
                 object in place; the retry then fails on this {what}. IF NOT EXISTS lets the \
                 retry pass over it."
            ),
        )
        .fix(sql(fixed)),
    ]
}

#[cfg(test)]
mod tests {
    use crate::rule::Rule;
    use crate::rules::testing::{assert_fires, assert_quiet, only};
    use dbwarden_core::Dialect;

    const RULE: Rule = Rule::CreateWithoutIfNotExistsInNoTransaction;

    #[test]
    fn fires_in_no_transaction_migrations() {
        for dialect in [Dialect::Postgres, Dialect::Sqlite] {
            assert_fires(
                RULE,
                dialect,
                &[
                    "-- dbwarden:no-transaction\nCREATE TABLE t (id int);",
                    "-- dbwarden:no-transaction\nCREATE INDEX i ON t (c);",
                    "-- dbwarden:no-transaction\nCREATE UNIQUE INDEX i ON t (c);",
                ],
            );
        }
        assert_fires(
            RULE,
            Dialect::Postgres,
            &[
                "-- dbwarden:no-transaction\nCREATE SCHEMA s;",
                "-- dbwarden:no-transaction\nCREATE SEQUENCE s;",
                "-- dbwarden:no-transaction\nCREATE EXTENSION pgcrypto;",
            ],
        );
        assert_fires(
            RULE,
            Dialect::Mysql,
            &[
                "-- dbwarden:no-transaction\nCREATE TABLE t (id int);",
                "-- dbwarden:no-transaction\nCREATE SCHEMA s;",
                "-- dbwarden:no-transaction\nSELECT 1;\nCREATE TABLE `t` (id int);",
            ],
        );
    }

    #[test]
    fn quiet_with_if_not_exists_or_in_transactions() {
        for dialect in [Dialect::Postgres, Dialect::Mysql, Dialect::Sqlite] {
            assert_quiet(
                RULE,
                dialect,
                &[
                    "-- dbwarden:no-transaction\nCREATE TABLE IF NOT EXISTS t (id int);",
                    "CREATE TABLE t (id int);",
                    "-- dbwarden:no-transaction\nALTER TABLE t ADD COLUMN c int;",
                ],
            );
        }
        assert_quiet(
            RULE,
            Dialect::Mysql,
            &["-- dbwarden:no-transaction\nCREATE INDEX i ON t (c);"],
        );
    }

    #[test]
    fn fix_adds_if_not_exists() {
        let finding = only(
            RULE,
            Dialect::Postgres,
            "-- dbwarden:no-transaction\nCREATE INDEX CONCURRENTLY i ON t (c);",
        );
        assert_eq!(
            finding.fix.as_deref(),
            Some("CREATE INDEX CONCURRENTLY IF NOT EXISTS i ON t(c);")
        );
    }
}
