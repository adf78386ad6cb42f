//! `missing-lock-timeout`: a statement that needs a strong lock should not wait for it forever.

use super::{RuleDoc, Violation};
use crate::file::StatementContext;
use crate::locks::{LockMode, strong_lock};
use crate::settings::limit_in_effect;
use dbwarden_core::Dialect;

pub(crate) const DOC: RuleDoc = RuleDoc {
    summary: "A statement that takes a strong table lock with no `lock_timeout` (PostgreSQL) or \
              `lock_wait_timeout` (MySQL) set before it in the migration.",
    why: "A statement that needs a strong lock queues behind every transaction using the table, \
          and every query that arrives after it queues behind it. One long-running transaction \
          — a report, a stuck worker — turns a one-millisecond ALTER TABLE into minutes of \
          blocked traffic. With lock_timeout set, the statement gives up after a few seconds \
          and the migration can be retried at a quieter moment. MySQL's lock_wait_timeout \
          defaults to one year. Reported once per migration, at the first statement that needs \
          it: one SET at the top covers every statement after it.",
    bad: "ALTER TABLE orders ADD COLUMN note text;\n",
    good: "SET LOCAL lock_timeout = '5s';\nALTER TABLE orders ADD COLUMN note text;\n",
};

pub(crate) fn check(cx: &StatementContext) -> Vec<Violation> {
    let Some(lock) = strong_lock(cx) else {
        return Vec::new();
    };
    if timeout_in_effect(cx) || cx.earlier().any(|earlier| strong_lock(&earlier).is_some()) {
        return Vec::new();
    }
    let table = &lock.table;
    let violation = match cx.dialect() {
        Dialect::Mysql => Violation::new(
            format!("DDL on `{table}` waits for its metadata lock with no lock_wait_timeout set"),
            format!(
                "DDL on `{table}` needs an exclusive metadata lock, at least briefly, even when \
                 the change itself is online. It waits behind every open transaction that \
                 touched the table, and every later query on the table waits behind it — for up \
                 to lock_wait_timeout, which defaults to one year. Set it to a few seconds so \
                 the migration gives up instead of stopping traffic. One SET at the top covers \
                 every statement after it."
            ),
        )
        .fix(format!("SET SESSION lock_wait_timeout = 5;\n{};", cx.sql())),
        Dialect::Postgres | Dialect::Sqlite => {
            let set = if cx.no_transaction() {
                "SET lock_timeout = '5s';"
            } else {
                "SET LOCAL lock_timeout = '5s';"
            };
            Violation::new(
                format!(
                    "waits for {} {} lock on `{table}` with no lock_timeout set",
                    article(lock.mode),
                    lock.mode.name()
                ),
                format!(
                    "The statement needs {} {} lock on `{table}`, which blocks {}. It queues \
                     behind every transaction using the table, and every query that arrives \
                     after it queues behind it: one long-running transaction turns this \
                     migration into an outage. With lock_timeout set it gives up after a few \
                     seconds instead, and the migration can be retried. One SET at the top \
                     covers every statement after it.",
                    article(lock.mode),
                    lock.mode.name(),
                    lock.mode.blocks()
                ),
            )
            .fix(format!("{set}\n{};", cx.sql()))
        }
    };
    vec![violation]
}

fn article(mode: LockMode) -> &'static str {
    match mode {
        LockMode::AccessExclusive | LockMode::MysqlMetadata => "an",
        LockMode::ShareRowExclusive | LockMode::Share => "a",
    }
}

/// Whether a real lock timeout is set before the statement.
fn timeout_in_effect(cx: &StatementContext) -> bool {
    match cx.dialect() {
        Dialect::Postgres => limit_in_effect(cx, "lock_timeout"),
        Dialect::Mysql => limit_in_effect(cx, "lock_wait_timeout"),
        Dialect::Sqlite => false,
    }
}

#[cfg(test)]
mod tests {
    use crate::rule::Rule;
    use crate::rules::testing::{assert_fires, assert_quiet, findings_of, only};
    use dbwarden_core::Dialect;

    const RULE: Rule = Rule::MissingLockTimeout;

    #[test]
    fn fires_without_a_timeout_before_a_strong_lock() {
        assert_fires(
            RULE,
            Dialect::Postgres,
            &[
                "ALTER TABLE t ADD COLUMN c int;",
                "CREATE INDEX i ON t (c);",
                "ALTER TABLE t ADD COLUMN c int;\nSET lock_timeout = '5s';",
                "SET lock_timeout = 0;\nDROP TABLE t;",
                "-- dbwarden:no-transaction\nSET LOCAL lock_timeout = '5s';\nTRUNCATE t;",
            ],
        );
        assert_fires(
            RULE,
            Dialect::Mysql,
            &[
                "ALTER TABLE t ADD COLUMN c int, ALGORITHM=INSTANT;",
                "RENAME TABLE a TO b;",
                "SET SESSION lock_wait_timeout = 0;\nCREATE INDEX i ON t (c);",
            ],
        );
    }

    #[test]
    fn quiet_with_a_timeout_or_without_strong_locks() {
        assert_quiet(
            RULE,
            Dialect::Postgres,
            &[
                "SET lock_timeout = '5s';\nALTER TABLE t ADD COLUMN c int;",
                "SET LOCAL lock_timeout TO '2s';\nCREATE INDEX i ON t (c);",
                "CREATE TABLE t (c int);\nCREATE INDEX i ON t (c);",
                "-- dbwarden:no-transaction\nCREATE INDEX CONCURRENTLY i ON t (c);",
                "ALTER TABLE t VALIDATE CONSTRAINT k;",
                "UPDATE t SET c = 1 WHERE id = 2;",
            ],
        );
        assert_quiet(
            RULE,
            Dialect::Mysql,
            &[
                "SET SESSION lock_wait_timeout = 5;\nALTER TABLE t ADD COLUMN c int, ALGORITHM=INSTANT;",
                "SET lock_wait_timeout = 10;\nRENAME TABLE a TO b;",
                "CREATE TABLE t (c int);\nALTER TABLE t ADD COLUMN d int;",
            ],
        );
    }

    #[test]
    fn reported_once_per_migration() {
        let source = "ALTER TABLE a ADD COLUMN c int;\nALTER TABLE b ADD COLUMN c int;\n";
        assert_eq!(findings_of(RULE, Dialect::Postgres, source).len(), 1);
    }

    #[test]
    fn fix_sets_the_timeout_first() {
        let finding = only(RULE, Dialect::Postgres, "ALTER TABLE t ADD COLUMN c int;");
        assert_eq!(
            finding.fix.as_deref(),
            Some("SET LOCAL lock_timeout = '5s';\nALTER TABLE t ADD COLUMN c int;")
        );
        assert!(finding.message.contains("an ACCESS EXCLUSIVE lock on `t`"));
        let no_tx = only(
            RULE,
            Dialect::Postgres,
            "-- dbwarden:no-transaction\nDROP INDEX i;",
        );
        assert!(
            no_tx
                .fix
                .expect("a fix")
                .starts_with("SET lock_timeout = '5s';\n")
        );
        let mysql = only(RULE, Dialect::Mysql, "RENAME TABLE a TO b;");
        assert_eq!(
            mysql.fix.as_deref(),
            Some("SET SESSION lock_wait_timeout = 5;\nRENAME TABLE a TO b;")
        );
    }
}
