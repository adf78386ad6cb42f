//! `missing-lock-timeout`: a statement that needs a strong lock should not wait for it forever.

use super::{RuleDoc, Violation};
use crate::file::StatementContext;
use crate::identifiers::object_key;
use crate::locks::{LockMode, strong_lock};
use dbwarden_core::Dialect;
use sqlparser::ast::{self, ContextModifier, Expr, ObjectName, Set, Value};

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

/// Whether the latest lock timeout set before the statement is a real one.
fn timeout_in_effect(cx: &StatementContext) -> bool {
    let variable = match cx.dialect() {
        Dialect::Postgres => "lock_timeout",
        Dialect::Mysql => "lock_wait_timeout",
        Dialect::Sqlite => return false,
    };
    cx.earlier()
        .rev()
        .find_map(|earlier| match earlier.ast()? {
            ast::Statement::Set(set) => setting(set, variable, cx.no_transaction()),
            _ => None,
        })
        .unwrap_or(false)
}

/// `Some(enabled)` when `set` assigns `variable`: `false` for 0 or DEFAULT, which wait forever.
fn setting(set: &Set, variable: &str, no_transaction: bool) -> Option<bool> {
    let assignments: Vec<(Option<ContextModifier>, &ObjectName, &Expr)> = match set {
        Set::SingleAssignment {
            scope,
            variable,
            values,
            ..
        } => vec![(*scope, variable, values.first()?)],
        Set::MultipleAssignments { assignments } => assignments
            .iter()
            .map(|assignment| (assignment.scope, &assignment.name, &assignment.value))
            .collect(),
        _ => return None,
    };
    assignments
        .into_iter()
        .rev()
        .find_map(|(scope, name, value)| {
            let name = object_key(name);
            if name.trim_start_matches('@') != variable {
                return None;
            }
            // SET LOCAL outside a transaction only warns and changes nothing.
            if no_transaction && scope == Some(ContextModifier::Local) {
                return None;
            }
            Some(!waits_forever(value))
        })
}

fn waits_forever(value: &Expr) -> bool {
    match value {
        Expr::Value(value) => match &value.value {
            Value::Number(number, _) => number.parse::<f64>().is_ok_and(|n| n == 0.0),
            Value::SingleQuotedString(text) => {
                text.trim_end_matches(|c: char| c.is_ascii_alphabetic())
                    .trim()
                    == "0"
            }
            _ => false,
        },
        Expr::Identifier(ident) => ident.value.eq_ignore_ascii_case("default"),
        _ => false,
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
