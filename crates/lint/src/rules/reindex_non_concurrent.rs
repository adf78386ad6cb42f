//! `reindex-non-concurrent`: rebuild PostgreSQL indexes with `REINDEX ... CONCURRENTLY`.

use super::{RuleDoc, Violation, no_transaction_migration};
use crate::analysis::OpaqueForm;
use crate::file::StatementContext;
use crate::version::Engine;

pub(crate) const DOC: RuleDoc = RuleDoc {
    summary: "`REINDEX` without `CONCURRENTLY`.",
    why: "REINDEX blocks writes to the table (a SHARE lock) and takes an ACCESS EXCLUSIVE lock on \
          each index it rebuilds, so queries that would use the index wait too — until the \
          rebuild ends. REINDEX ... CONCURRENTLY (PostgreSQL 12 and later) builds a new copy \
          while reads and writes continue, then swaps it in; it cannot run inside a \
          transaction, so it goes in a migration marked `-- dbwarden:no-transaction`.",
    bad: "REINDEX INDEX orders_customer_id_idx;\n",
    good: "-- dbwarden:no-transaction\nREINDEX INDEX CONCURRENTLY orders_customer_id_idx;\n",
};

pub(crate) fn check(cx: &StatementContext) -> Vec<Violation> {
    let Some(OpaqueForm::Reindex {
        target,
        name,
        concurrently,
    }) = cx.opaque()
    else {
        return Vec::new();
    };
    let name = name.as_deref().unwrap_or_default();
    let before_12 = cx.target_before(Engine::Postgres, 12, 0, 0);
    if *concurrently {
        if !before_12 {
            return Vec::new();
        }
        return vec![
            Violation::new(
                "REINDEX CONCURRENTLY does not exist before PostgreSQL 12",
                "The target server is older than PostgreSQL 12, which added REINDEX \
                 CONCURRENTLY: the migration fails at this statement. Build a new index with \
                 CREATE INDEX CONCURRENTLY, drop the old one with DROP INDEX CONCURRENTLY, and \
                 rename the new one.",
            )
            .fix(rebuild_by_hand(cx, target, name)),
        ];
    }
    if before_12 {
        return vec![
            Violation::new(
                format!("REINDEX {target} {name} blocks writes until the rebuild ends")
                    .replace("  ", " "),
                "REINDEX blocks writes to the table and reads that use the index being rebuilt \
                 until it ends, and the target server (before PostgreSQL 12) has no REINDEX \
                 CONCURRENTLY: build a replacement with CREATE INDEX CONCURRENTLY, then drop the \
                 old index with DROP INDEX CONCURRENTLY.",
            )
            .fix(rebuild_by_hand(cx, target, name)),
        ];
    }
    let violation = Violation::new(
        format!("REINDEX {target} {name} blocks writes until the rebuild ends").replace("  ", " "),
        format!(
            "REINDEX blocks writes to the table and reads that use the index being rebuilt \
             until it ends. REINDEX {target} CONCURRENTLY (PostgreSQL 12+) rebuilds while reads \
             and writes continue; it cannot run inside a transaction."
        ),
    );
    // System catalogs cannot be reindexed concurrently.
    if target == "SYSTEM" {
        return vec![violation];
    }
    vec![violation.fix(no_transaction_migration(
        cx,
        &format!("REINDEX {target} CONCURRENTLY {name};"),
    ))]
}

/// Rebuilding one index without REINDEX CONCURRENTLY (before PostgreSQL 12).
fn rebuild_by_hand(cx: &StatementContext, target: &str, name: &str) -> String {
    if target != "INDEX" {
        return format!(
            "-- for each index of {name}: CREATE INDEX CONCURRENTLY with the same definition, \
             then DROP INDEX CONCURRENTLY the old one"
        );
    }
    no_transaction_migration(
        cx,
        &format!(
            "-- same definition as {name} (see pg_indexes.indexdef):\n\
             CREATE INDEX CONCURRENTLY {name}_new ON <table> (<columns>);\n\
             DROP INDEX CONCURRENTLY {name};\n\
             ALTER INDEX {name}_new RENAME TO {name};"
        ),
    )
}

#[cfg(test)]
mod tests {
    use crate::rule::Rule;
    use crate::rules::testing::{assert_fires, assert_quiet, only};
    use dbwarden_core::Dialect;

    const RULE: Rule = Rule::ReindexNonConcurrent;

    #[test]
    fn fires_on_plain_reindex() {
        assert_fires(
            RULE,
            Dialect::Postgres,
            &[
                "REINDEX INDEX i;",
                "REINDEX TABLE t;",
                "REINDEX (VERBOSE) SCHEMA s;",
                "REINDEX SYSTEM d;",
            ],
        );
    }

    #[test]
    fn quiet_on_concurrent_reindex() {
        assert_quiet(
            RULE,
            Dialect::Postgres,
            &[
                "-- dbwarden:no-transaction\nREINDEX INDEX CONCURRENTLY i;",
                "REINDEX (CONCURRENTLY) TABLE t;",
                "REINDEX TABLE CONCURRENTLY public.t;",
            ],
        );
    }

    #[test]
    fn before_postgres_12_there_is_no_concurrent_reindex() {
        use crate::rules::testing::findings_for;
        let concurrent = "-- dbwarden:no-transaction\nREINDEX INDEX CONCURRENTLY i;";
        assert!(findings_for(RULE, "postgres:12", concurrent).is_empty());
        let old = findings_for(RULE, "postgres:11", concurrent);
        assert_eq!(old.len(), 1);
        assert!(
            old[0]
                .message
                .contains("does not exist before PostgreSQL 12")
        );
        let plain = findings_for(RULE, "postgres:10", "REINDEX INDEX i;");
        let fix = plain[0].fix.as_deref().expect("a fix");
        assert!(fix.contains("CREATE INDEX CONCURRENTLY i_new"), "{fix}");
        assert!(!fix.contains("REINDEX"), "{fix}");
    }

    #[test]
    fn fix_is_the_concurrent_form() {
        let finding = only(RULE, Dialect::Postgres, "REINDEX TABLE orders;");
        assert_eq!(
            finding.fix.as_deref(),
            Some("-- dbwarden:no-transaction\nREINDEX TABLE CONCURRENTLY orders;")
        );
        assert_eq!(only(RULE, Dialect::Postgres, "REINDEX SYSTEM d;").fix, None);
    }
}
