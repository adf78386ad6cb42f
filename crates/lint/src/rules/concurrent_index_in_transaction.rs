//! `concurrent-index-in-transaction`: PostgreSQL refuses `CONCURRENTLY` inside a transaction.

use super::{RuleDoc, Violation};
use crate::analysis::OpaqueForm;
use crate::file::StatementContext;
use sqlparser::ast;

pub(crate) const DOC: RuleDoc = RuleDoc {
    summary: "`CREATE INDEX`, `DROP INDEX`, `REINDEX` or `DETACH PARTITION` with `CONCURRENTLY` \
              in a migration that runs in a transaction.",
    why: "PostgreSQL refuses the CONCURRENTLY forms inside a transaction block (\"ERROR: CREATE \
          INDEX CONCURRENTLY cannot run inside a transaction block\"), and dbwarden runs each \
          migration in one transaction unless its first lines say `-- dbwarden:no-transaction`. \
          The migration would fail at this statement. Mark the migration no-transaction; keep \
          other statements in migrations of their own so they keep their transaction.",
    bad: "CREATE INDEX CONCURRENTLY orders_created_at_idx ON orders (created_at);\n",
    good: "-- dbwarden:no-transaction\n\
           CREATE INDEX CONCURRENTLY orders_created_at_idx ON orders (created_at);\n",
};

pub(crate) fn check(cx: &StatementContext) -> Vec<Violation> {
    if cx.no_transaction() {
        return Vec::new();
    }
    let kind = match (cx.ast(), cx.opaque()) {
        (Some(ast::Statement::CreateIndex(create)), _) if create.concurrently => {
            "CREATE INDEX CONCURRENTLY"
        }
        (Some(ast::Statement::AlterTable(alter)), _) if detaches_concurrently(alter) => {
            "DETACH PARTITION ... CONCURRENTLY"
        }
        (_, Some(OpaqueForm::DropIndexConcurrently { .. })) => "DROP INDEX CONCURRENTLY",
        (
            _,
            Some(OpaqueForm::Reindex {
                concurrently: true, ..
            }),
        ) => "REINDEX CONCURRENTLY",
        _ => return Vec::new(),
    };
    vec![
        Violation::new(
            format!("{kind} cannot run inside the migration's transaction"),
            format!(
                "PostgreSQL refuses {kind} inside a transaction block, and dbwarden runs this \
                 migration in one because it is not marked `-- dbwarden:no-transaction`: the \
                 migration would fail here. Put the statement in a migration of its own that \
                 starts with `-- dbwarden:no-transaction`."
            ),
        )
        .fix(format!("-- dbwarden:no-transaction\n{};", cx.sql())),
    ]
}

fn detaches_concurrently(alter: &ast::AlterTable) -> bool {
    alter.operations.iter().any(|op| {
        matches!(
            op,
            ast::AlterTableOperation::DetachPartitionOf {
                mode: Some(ast::DetachPartitionMode::Concurrently),
                ..
            }
        )
    })
}

#[cfg(test)]
mod tests {
    use crate::rule::Rule;
    use crate::rules::testing::{assert_fires, assert_quiet, only};
    use dbwarden_core::Dialect;

    const RULE: Rule = Rule::ConcurrentIndexInTransaction;

    #[test]
    fn fires_on_concurrent_forms_in_transactional_migrations() {
        assert_fires(
            RULE,
            Dialect::Postgres,
            &[
                "CREATE INDEX CONCURRENTLY i ON t (c);",
                "DROP INDEX CONCURRENTLY IF EXISTS i;",
                "REINDEX INDEX CONCURRENTLY i;",
                "ALTER TABLE m DETACH PARTITION m_2019 CONCURRENTLY;",
                "SELECT 1;\n-- dbwarden:no-transaction\nCREATE INDEX CONCURRENTLY i ON t (c);",
            ],
        );
    }

    #[test]
    fn quiet_in_no_transaction_migrations_and_on_plain_forms() {
        assert_quiet(
            RULE,
            Dialect::Postgres,
            &[
                "-- dbwarden:no-transaction\nCREATE INDEX CONCURRENTLY i ON t (c);",
                "-- dbwarden:no-transaction\nDROP INDEX CONCURRENTLY i;\nREINDEX TABLE CONCURRENTLY t;",
                "CREATE INDEX i ON t (c);",
                "DROP INDEX i;",
                "-- dbwarden:no-transaction\nALTER TABLE m DETACH PARTITION m_2019 CONCURRENTLY;",
                "ALTER TABLE m DETACH PARTITION m_2019 FINALIZE;",
            ],
        );
    }

    #[test]
    fn fix_marks_the_migration() {
        let finding = only(RULE, Dialect::Postgres, "DROP INDEX CONCURRENTLY i;");
        assert_eq!(
            finding.fix.as_deref(),
            Some("-- dbwarden:no-transaction\nDROP INDEX CONCURRENTLY i;")
        );
    }
}
