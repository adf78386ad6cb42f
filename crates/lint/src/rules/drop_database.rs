//! `drop-database`: `DROP DATABASE` in a migration.

use super::{RuleDoc, Violation};
use crate::file::StatementContext;
use dbwarden_core::Dialect;
use sqlparser::ast::{self, ObjectType};

pub(crate) const DOC: RuleDoc = RuleDoc {
    summary: "`DROP DATABASE`.",
    why: "DROP DATABASE deletes every table, row and object in the database; only a backup \
          brings it back, and it cannot run inside a transaction, so a failure later in the \
          migration does not undo it. A migration is the wrong place for it: drop databases by \
          hand, after a backup.",
    bad: "DROP DATABASE analytics;\n",
    good: "-- Drop retired databases by hand after a backup, not in a migration.\n\
           SELECT 1;\n",
};

pub(crate) fn check(cx: &StatementContext) -> Vec<Violation> {
    let Some(ast::Statement::Drop {
        object_type, names, ..
    }) = cx.ast()
    else {
        return Vec::new();
    };
    // MySQL's DROP SCHEMA is DROP DATABASE; `drop-schema` reports it there.
    if *object_type != ObjectType::Database {
        return Vec::new();
    }
    let listed = names
        .iter()
        .map(|name| format!("`{name}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let engine_note = match cx.dialect() {
        Dialect::Postgres => {
            " PostgreSQL refuses it inside a transaction and while anyone is connected."
        }
        Dialect::Mysql | Dialect::Sqlite => " It commits implicitly and cannot be rolled back.",
    };
    vec![Violation::new(
        format!("DROP DATABASE {listed} deletes the whole database"),
        format!(
            "DROP DATABASE deletes every table and row of {listed}; only a backup brings them \
             back.{engine_note} Drop databases by hand after a backup, not from a migration."
        ),
    )]
}

#[cfg(test)]
mod tests {
    use crate::rule::Rule;
    use crate::rules::testing::{assert_fires, assert_quiet};
    use dbwarden_core::Dialect;

    const RULE: Rule = Rule::DropDatabase;

    #[test]
    fn fires_on_postgres_and_mysql() {
        for dialect in [Dialect::Postgres, Dialect::Mysql] {
            assert_fires(
                RULE,
                dialect,
                &[
                    "DROP DATABASE d;",
                    "DROP DATABASE IF EXISTS d;",
                    "SELECT 1;\nDROP DATABASE d;",
                ],
            );
        }
    }

    #[test]
    fn quiet_on_other_drops() {
        for dialect in [Dialect::Postgres, Dialect::Mysql] {
            assert_quiet(
                RULE,
                dialect,
                &["DROP TABLE d;", "CREATE DATABASE d;", "DROP VIEW d;"],
            );
        }
    }
}
