//! `reindex-non-concurrent`: rebuild PostgreSQL indexes with `REINDEX ... CONCURRENTLY`.

use super::{RuleDoc, Violation, no_transaction_migration};
use crate::analysis::OpaqueForm;
use crate::file::StatementContext;

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
        concurrently: false,
    }) = cx.opaque()
    else {
        return Vec::new();
    };
    let name = name.as_deref().unwrap_or_default();
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
    fn fix_is_the_concurrent_form() {
        let finding = only(RULE, Dialect::Postgres, "REINDEX TABLE orders;");
        assert_eq!(
            finding.fix.as_deref(),
            Some("-- dbwarden:no-transaction\nREINDEX TABLE CONCURRENTLY orders;")
        );
        assert_eq!(only(RULE, Dialect::Postgres, "REINDEX SYSTEM d;").fix, None);
    }
}
