//! `cluster`: `CLUSTER` rewrites the table under an exclusive lock.

use super::{RuleDoc, Violation};
use crate::analysis::OpaqueForm;
use crate::file::StatementContext;

pub(crate) const DOC: RuleDoc = RuleDoc {
    summary: "`CLUSTER`.",
    why: "CLUSTER rewrites the table in index order and rebuilds its indexes under an ACCESS \
          EXCLUSIVE lock: no reads or writes until the rewrite ends, which on a large table \
          takes minutes to hours. The order is not kept for rows written afterwards, so the \
          benefit fades. To reorder a table online, use pg_repack with --order-by outside \
          migrations.",
    bad: "CLUSTER orders USING orders_created_at_idx;\n",
    good: "-- Reorder online, outside migrations: pg_repack --table=orders --order-by=created_at\n\
           SELECT 1;\n",
};

pub(crate) fn check(cx: &StatementContext) -> Vec<Violation> {
    let Some(OpaqueForm::Cluster { table }) = cx.opaque() else {
        return Vec::new();
    };
    let subject = table.as_ref().map_or_else(
        || "every previously clustered table".to_string(),
        |table| format!("`{table}`"),
    );
    vec![Violation::new(
        format!("CLUSTER rewrites {subject} under an exclusive lock"),
        format!(
            "CLUSTER rewrites {subject} in index order and rebuilds its indexes under an ACCESS \
             EXCLUSIVE lock: no reads or writes until it ends. The order is not kept for new \
             rows. pg_repack --order-by does the same online."
        ),
    )]
}

#[cfg(test)]
mod tests {
    use crate::rule::Rule;
    use crate::rules::testing::{assert_fires, assert_quiet};
    use dbwarden_core::Dialect;

    const RULE: Rule = Rule::Cluster;

    #[test]
    fn fires_on_cluster() {
        assert_fires(
            RULE,
            Dialect::Postgres,
            &[
                "CLUSTER t USING i;",
                "CLUSTER t;",
                "CLUSTER;",
                "CLUSTER VERBOSE t USING i;",
            ],
        );
    }

    #[test]
    fn quiet_otherwise() {
        assert_quiet(
            RULE,
            Dialect::Postgres,
            &[
                "ALTER TABLE t CLUSTER ON i;",
                "SELECT 'CLUSTER t';",
                "CREATE INDEX CONCURRENTLY i ON t (c);",
            ],
        );
    }
}
