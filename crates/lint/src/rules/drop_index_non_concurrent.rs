//! `drop-index-non-concurrent`: drop PostgreSQL indexes with `CONCURRENTLY`.

use super::{RuleDoc, Violation, no_transaction_migration};
use crate::file::StatementContext;
use crate::identifiers::object_key;
use sqlparser::ast::{self, ObjectType};

pub(crate) const DOC: RuleDoc = RuleDoc {
    summary: "`DROP INDEX` without `CONCURRENTLY`.",
    why: "DROP INDEX takes an ACCESS EXCLUSIVE lock on the index's table. The drop itself is \
          quick, but the lock must wait for every running query on the table, and every query \
          that arrives meanwhile — reads included — queues behind it: one slow query turns the \
          drop into an outage. DROP INDEX CONCURRENTLY waits for those queries without blocking \
          new ones. It takes one index at a time, no CASCADE, and cannot run inside a \
          transaction, so it goes in a migration marked `-- dbwarden:no-transaction`. Indexes \
          created earlier in the same migration are not checked.",
    bad: "DROP INDEX orders_legacy_idx;\n",
    good: "-- dbwarden:no-transaction\nDROP INDEX CONCURRENTLY IF EXISTS orders_legacy_idx;\n",
};

pub(crate) fn check(cx: &StatementContext) -> Vec<Violation> {
    let Some(ast::Statement::Drop {
        object_type: ObjectType::Index,
        names,
        if_exists,
        cascade,
        ..
    }) = cx.ast()
    else {
        return Vec::new();
    };
    let existing: Vec<_> = names
        .iter()
        .filter(|name| !cx.is_new_index_key(&object_key(name)))
        .collect();
    if existing.is_empty() {
        return Vec::new();
    }
    let if_exists = if *if_exists { "IF EXISTS " } else { "" };
    let fix = existing
        .iter()
        .map(|name| format!("DROP INDEX CONCURRENTLY {if_exists}{name};"))
        .collect::<Vec<_>>()
        .join("\n");
    let listed = existing
        .iter()
        .map(|name| format!("`{name}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let cascade_note = if *cascade {
        " DROP INDEX CONCURRENTLY does not take CASCADE: drop whatever depends on the index \
         first."
    } else {
        ""
    };
    vec![
        Violation::new(
            format!("DROP INDEX {listed} locks its table against reads and writes"),
            format!(
                "DROP INDEX takes an ACCESS EXCLUSIVE lock on the index's table: it waits for \
                 every running query on the table, and every later query, reads included, \
                 queues behind it. DROP INDEX CONCURRENTLY waits without blocking anyone; it \
                 cannot run in a transaction, so it goes in a migration marked \
                 `-- dbwarden:no-transaction`.{cascade_note}"
            ),
        )
        .fix(no_transaction_migration(cx, &fix)),
    ]
}

#[cfg(test)]
mod tests {
    use crate::rule::Rule;
    use crate::rules::testing::{assert_fires, assert_quiet, only};
    use dbwarden_core::Dialect;

    const RULE: Rule = Rule::DropIndexNonConcurrent;

    #[test]
    fn fires_on_plain_drops() {
        assert_fires(
            RULE,
            Dialect::Postgres,
            &[
                "DROP INDEX i;",
                "DROP INDEX IF EXISTS public.i CASCADE;",
                "DROP INDEX a, b;",
                "CREATE INDEX other ON t (c);\nDROP INDEX i;",
            ],
        );
    }

    #[test]
    fn quiet_on_concurrent_drops_new_indexes_and_other_engines() {
        assert_quiet(
            RULE,
            Dialect::Postgres,
            &[
                "-- dbwarden:no-transaction\nDROP INDEX CONCURRENTLY i;",
                "DROP INDEX CONCURRENTLY IF EXISTS i;",
                "CREATE TABLE t (c int);\nCREATE INDEX i ON t (c);\nDROP INDEX i;",
                "DROP TABLE t;",
            ],
        );
        assert_quiet(RULE, Dialect::Mysql, &["DROP INDEX i ON t;"]);
    }

    #[test]
    fn fix_drops_each_index_concurrently() {
        let finding = only(
            RULE,
            Dialect::Postgres,
            "DROP INDEX IF EXISTS a, s.b CASCADE;",
        );
        assert_eq!(
            finding.fix.as_deref(),
            Some(
                "-- dbwarden:no-transaction\nDROP INDEX CONCURRENTLY IF EXISTS a;\n\
                 DROP INDEX CONCURRENTLY IF EXISTS s.b;"
            )
        );
        assert!(finding.why.contains("CASCADE"));
    }
}
