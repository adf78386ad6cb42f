//! `drop-schema`: `DROP SCHEMA` in a migration.

use super::{RuleDoc, Violation};
use crate::file::StatementContext;
use dbwarden_core::Dialect;
use sqlparser::ast::{self, ObjectType};

pub(crate) const DOC: RuleDoc = RuleDoc {
    summary: "`DROP SCHEMA`, with or without `CASCADE`.",
    why: "DROP SCHEMA ... CASCADE deletes every table, view, function and row in the schema; \
          without CASCADE it fails unless the schema is empty. In MySQL, DROP SCHEMA is DROP \
          DATABASE: it deletes the whole database and commits implicitly. Only a backup brings \
          the data back.",
    bad: "DROP SCHEMA reporting CASCADE;\n",
    good: "-- dbwarden:allow drop-schema empty since migration 0042 moved its tables\n\
           DROP SCHEMA reporting RESTRICT;\n",
};

pub(crate) fn check(cx: &StatementContext) -> Vec<Violation> {
    let Some(ast::Statement::Drop {
        object_type: ObjectType::Schema,
        names,
        cascade,
        ..
    }) = cx.ast()
    else {
        return Vec::new();
    };
    let listed = names
        .iter()
        .map(|name| format!("`{name}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let (message, why) = match cx.dialect() {
        Dialect::Mysql => (
            format!("DROP SCHEMA {listed} deletes the whole database"),
            format!(
                "In MySQL, DROP SCHEMA is DROP DATABASE: it deletes every table and row of \
                 {listed} and commits implicitly. Only a backup brings them back."
            ),
        ),
        Dialect::Postgres | Dialect::Sqlite if *cascade => (
            format!("DROP SCHEMA {listed} CASCADE deletes everything in the schema"),
            format!(
                "CASCADE drops every table, view, sequence and function in {listed} along with \
                 their rows; only a backup brings them back. Drop the objects one by one, so \
                 each shows in review, then the empty schema with RESTRICT."
            ),
        ),
        Dialect::Postgres | Dialect::Sqlite => (
            format!("DROP SCHEMA {listed} removes a namespace code may still use"),
            format!(
                "Without CASCADE the schema must be empty, but code that still sets its \
                 search_path to {listed} or creates objects there fails from now on."
            ),
        ),
    };
    vec![Violation::new(message, why)]
}

#[cfg(test)]
mod tests {
    use crate::rule::Rule;
    use crate::rules::testing::{assert_fires, assert_quiet, only};
    use dbwarden_core::Dialect;

    const RULE: Rule = Rule::DropSchema;

    #[test]
    fn fires_on_postgres_and_mysql() {
        for dialect in [Dialect::Postgres, Dialect::Mysql] {
            assert_fires(
                RULE,
                dialect,
                &[
                    "DROP SCHEMA s;",
                    "DROP SCHEMA IF EXISTS s CASCADE;",
                    "SELECT 1;\nDROP SCHEMA s;",
                ],
            );
        }
        assert!(
            only(RULE, Dialect::Mysql, "DROP SCHEMA s;")
                .message
                .contains("whole database")
        );
    }

    #[test]
    fn quiet_on_other_statements() {
        for dialect in [Dialect::Postgres, Dialect::Mysql] {
            assert_quiet(
                RULE,
                dialect,
                &["CREATE SCHEMA s;", "DROP TABLE s.t;", "DROP DATABASE d;"],
            );
        }
    }
}
