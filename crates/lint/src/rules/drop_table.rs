//! `drop-table`: dropping a table deletes its data for good.

use super::{RuleDoc, Violation};
use crate::file::StatementContext;
use sqlparser::ast::{self, ObjectType};

pub(crate) const DOC: RuleDoc = RuleDoc {
    summary: "`DROP TABLE` of a table that exists before the migration.",
    why: "Dropping a table deletes its rows for good: only a backup brings them back. Code that \
          still queries the table — including the release running while the migration deploys, \
          or the one you roll back to — fails at once. Ship the code that stops using the \
          table first, take a backup, and drop it in a later migration, allowing this rule \
          with the reason. With CASCADE, the views and foreign keys that depend on the table \
          go too.",
    bad: "DROP TABLE legacy_sessions;\n",
    good: "-- dbwarden:allow drop-table unused since release 2024.06; backup in s3://backups/legacy_sessions\n\
           DROP TABLE legacy_sessions;\n",
};

pub(crate) fn check(cx: &StatementContext) -> Vec<Violation> {
    let Some(ast::Statement::Drop {
        object_type: ObjectType::Table,
        names,
        cascade,
        temporary: false,
        ..
    }) = cx.ast()
    else {
        return Vec::new();
    };
    let existing: Vec<String> = names
        .iter()
        .filter(|name| !cx.is_new_table(name))
        .map(|name| format!("`{name}`"))
        .collect();
    if existing.is_empty() {
        return Vec::new();
    }
    let listed = existing.join(", ");
    let cascade_note = if *cascade {
        " CASCADE also drops every view and foreign key constraint that depends on it."
    } else {
        ""
    };
    vec![Violation::new(
        format!("DROP TABLE {listed} deletes the table and all its rows"),
        format!(
            "Dropping a table deletes its data for good — only a backup brings it back — and \
             code still querying it fails at once, including the release running during the \
             deploy. Stop using the table in a release first, take a backup, then drop it and \
             allow this rule with the reason.{cascade_note}"
        ),
    )]
}

#[cfg(test)]
mod tests {
    use crate::rule::Rule;
    use crate::rules::testing::{assert_fires, assert_quiet, only};
    use dbwarden_core::Dialect;

    const RULE: Rule = Rule::DropTable;

    #[test]
    fn fires_on_every_engine() {
        for dialect in [Dialect::Postgres, Dialect::Mysql, Dialect::Sqlite] {
            assert_fires(
                RULE,
                dialect,
                &[
                    "DROP TABLE t;",
                    "DROP TABLE IF EXISTS t;",
                    "CREATE TABLE a (id int);\nDROP TABLE a, b;",
                ],
            );
        }
        let cascade = only(RULE, Dialect::Postgres, "DROP TABLE t CASCADE;");
        assert!(cascade.why.contains("CASCADE"));
    }

    #[test]
    fn quiet_on_tables_created_here_and_other_drops() {
        for dialect in [Dialect::Postgres, Dialect::Mysql, Dialect::Sqlite] {
            assert_quiet(
                RULE,
                dialect,
                &[
                    "CREATE TABLE scratch (id int);\nDROP TABLE scratch;",
                    "DROP VIEW v;",
                    "DROP INDEX i;",
                ],
            );
        }
        assert_quiet(RULE, Dialect::Mysql, &["DROP TEMPORARY TABLE t;"]);
    }
}
