//! `detach-partition-without-concurrently`: a plain `DETACH PARTITION` locks the partitioned
//! table against every query; PostgreSQL 14 and later can detach without blocking them.

use super::{RuleDoc, Violation, no_transaction_migration, sql};
use crate::file::StatementContext;
use crate::version::Engine;
use sqlparser::ast::{self, AlterTable, AlterTableOperation, DetachPartitionMode, Spanned};

pub(crate) const DOC: RuleDoc = RuleDoc {
    summary: "`ALTER TABLE ... DETACH PARTITION` without `CONCURRENTLY`.",
    why: "A plain DETACH PARTITION takes an ACCESS EXCLUSIVE lock on the partitioned table, not \
          just on the partition leaving it. Every query through the parent, whichever partition \
          it reads or writes, waits for the lock, and the lock itself waits behind every query \
          already running there. The detach is quick; the queue in front of and behind it is \
          the outage. From PostgreSQL 14, DETACH PARTITION ... CONCURRENTLY takes only a SHARE \
          UPDATE EXCLUSIVE lock and waits for running queries without blocking new ones. It \
          cannot run in a transaction block, so it goes in a migration marked \
          `-- dbwarden:no-transaction`, and it is refused while the table has a DEFAULT \
          partition. If it is interrupted, the partition stays half-detached until \
          `ALTER TABLE ... DETACH PARTITION ... FINALIZE` completes it.",
    bad: "ALTER TABLE measurements DETACH PARTITION measurements_2019;\n",
    good: "-- dbwarden:no-transaction\n\
           ALTER TABLE measurements DETACH PARTITION measurements_2019 CONCURRENTLY;\n",
};

pub(crate) fn check(cx: &StatementContext) -> Vec<Violation> {
    let Some(alter) = cx.alter_existing_table() else {
        return Vec::new();
    };
    alter
        .operations
        .iter()
        .filter_map(|op| {
            let AlterTableOperation::DetachPartitionOf { partition, mode } = op else {
                return None;
            };
            let violation = violation(cx, alter, partition, mode.as_ref())?;
            Some(violation.at(op.span()))
        })
        .collect()
}

fn violation(
    cx: &StatementContext,
    alter: &AlterTable,
    partition: &ast::ObjectName,
    mode: Option<&DetachPartitionMode>,
) -> Option<Violation> {
    let before_14 = cx.target_before(Engine::Postgres, 14, 0, 0);
    match mode {
        Some(DetachPartitionMode::Concurrently) if before_14 => Some(Violation::new(
            "DETACH PARTITION ... CONCURRENTLY does not exist before PostgreSQL 14",
            "The target server is older than PostgreSQL 14, which added the concurrent detach: \
             the migration fails at this statement. On this server the detach needs the \
             ACCESS EXCLUSIVE lock; set lock_timeout before it and run it when traffic is low.",
        )),
        // FINALIZE completes an interrupted concurrent detach.
        Some(_) => None,
        None if before_14 => Some(blocking(
            alter,
            partition,
            "The target server (before PostgreSQL 14) has no concurrent detach: set lock_timeout \
             before it and run it when traffic is low.",
        )),
        None => Some(
            blocking(
                alter,
                partition,
                "DETACH PARTITION ... CONCURRENTLY (PostgreSQL 14+) waits for running queries \
                 without blocking new ones; it cannot run in a transaction block and is refused \
                 while the table has a DEFAULT partition.",
            )
            .fix(no_transaction_migration(cx, &concurrent(alter, partition))),
        ),
    }
}

/// The finding for a detach that takes the ACCESS EXCLUSIVE lock on the parent; `advice` ends
/// the explanation.
fn blocking(alter: &AlterTable, partition: &ast::ObjectName, advice: &str) -> Violation {
    let parent = &alter.name;
    Violation::new(
        format!("DETACH PARTITION {partition} locks `{parent}` against reads and writes"),
        format!(
            "A plain DETACH PARTITION takes an ACCESS EXCLUSIVE lock on `{parent}` itself: every \
             query through it waits, whichever partition it touches, and the lock first waits \
             behind every query already running. {advice}"
        ),
    )
}

/// `ALTER TABLE parent DETACH PARTITION partition CONCURRENTLY`, one partition per statement,
/// keeping the original's table name and flags.
fn concurrent(alter: &AlterTable, partition: &ast::ObjectName) -> String {
    sql(ast::Statement::AlterTable(AlterTable {
        operations: vec![AlterTableOperation::DetachPartitionOf {
            partition: partition.clone(),
            mode: Some(DetachPartitionMode::Concurrently),
        }],
        ..alter.clone()
    }))
}

#[cfg(test)]
mod tests {
    use crate::rule::Rule;
    use crate::rules::testing::{assert_fires, assert_quiet, findings_for, only};
    use dbwarden_core::Dialect;

    const RULE: Rule = Rule::DetachPartitionWithoutConcurrently;

    #[test]
    fn fires_on_plain_detach() {
        assert_fires(
            RULE,
            Dialect::Postgres,
            &[
                "ALTER TABLE m DETACH PARTITION m_2019;",
                "ALTER TABLE public.m DETACH PARTITION public.m_2019;",
                "-- dbwarden:no-transaction\nALTER TABLE m DETACH PARTITION m_2019;",
                "CREATE TABLE m_2019 (id bigint);\nALTER TABLE m DETACH PARTITION m_2019;",
            ],
        );
    }

    #[test]
    fn quiet_on_concurrent_detach_and_new_parents() {
        assert_quiet(
            RULE,
            Dialect::Postgres,
            &[
                "-- dbwarden:no-transaction\nALTER TABLE m DETACH PARTITION m_2019 CONCURRENTLY;",
                "ALTER TABLE m DETACH PARTITION m_2019 FINALIZE;",
                "CREATE TABLE m (id bigint) PARTITION BY RANGE (id);\n\
                 ALTER TABLE m DETACH PARTITION m_1;",
                "ALTER TABLE m ATTACH PARTITION m_2019 FOR VALUES FROM (1) TO (2);",
            ],
        );
    }

    #[test]
    fn fix_detaches_concurrently_outside_a_transaction() {
        let finding = only(
            RULE,
            Dialect::Postgres,
            "ALTER TABLE m DETACH PARTITION m_2019;",
        );
        assert_eq!(
            finding.fix.as_deref(),
            Some("-- dbwarden:no-transaction\nALTER TABLE m DETACH PARTITION m_2019 CONCURRENTLY;")
        );
        assert!(finding.why.contains("ACCESS EXCLUSIVE"), "{}", finding.why);
        let marked = only(
            RULE,
            Dialect::Postgres,
            "-- dbwarden:no-transaction\nALTER TABLE m DETACH PARTITION m_2019;",
        );
        assert_eq!(
            marked.fix.as_deref(),
            Some("ALTER TABLE m DETACH PARTITION m_2019 CONCURRENTLY;")
        );
    }

    #[test]
    fn before_postgres_14_there_is_no_concurrent_detach() {
        let plain = "ALTER TABLE m DETACH PARTITION m_2019;";
        let old = findings_for(RULE, "postgres:13", plain);
        assert_eq!(old.len(), 1);
        assert_eq!(old[0].fix, None);
        assert!(
            old[0].why.contains("before PostgreSQL 14"),
            "{}",
            old[0].why
        );
        let concurrent = "-- dbwarden:no-transaction\n\
                          ALTER TABLE m DETACH PARTITION m_2019 CONCURRENTLY;";
        assert!(findings_for(RULE, "postgres:14", concurrent).is_empty());
        let refused = findings_for(RULE, "postgres:13", concurrent);
        assert_eq!(refused.len(), 1);
        assert!(
            refused[0]
                .message
                .contains("does not exist before PostgreSQL 14")
        );
    }
}
