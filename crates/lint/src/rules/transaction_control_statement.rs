//! `transaction-control-statement`: dbwarden runs each migration in its own transaction, so a
//! `BEGIN` or `COMMIT` in the file breaks it; in a no-transaction migration, the file's own
//! transactions must at least be balanced.

use super::{RuleDoc, Violation};
use crate::file::StatementContext;

pub(crate) const DOC: RuleDoc = RuleDoc {
    summary: "`BEGIN`, `START TRANSACTION`, `COMMIT`, `END` or `ROLLBACK` in a migration that \
              dbwarden wraps in a transaction; in a `-- dbwarden:no-transaction` migration, a \
              transaction left open, closed twice or nested.",
    why: "dbwarden runs a migration in one transaction and records it as applied in that same \
          transaction. A COMMIT in the file ends that transaction half-way: the statements \
          before it are committed even if a later one fails, and the migration is neither \
          applied nor cleanly rolled back. A BEGIN inside the transaction is ignored with a \
          warning on PostgreSQL and commits implicitly on MySQL. Remove the statements, or mark \
          the migration `-- dbwarden:no-transaction` and manage transactions yourself — then \
          every BEGIN needs its COMMIT.",
    bad: "BEGIN;\nALTER TABLE orders ADD COLUMN note text;\nCOMMIT;\n",
    good: "ALTER TABLE orders ADD COLUMN note text;\n",
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Control {
    Open,
    Close,
}

fn control(cx: &StatementContext) -> Option<Control> {
    let statement = &cx.analyzed().statement;
    if !statement.is_transaction_control() {
        return None;
    }
    let first = statement
        .sql
        .split(|c: char| !c.is_ascii_alphanumeric())
        .next()
        .unwrap_or_default();
    if first.eq_ignore_ascii_case("BEGIN") || first.eq_ignore_ascii_case("START") {
        Some(Control::Open)
    } else {
        Some(Control::Close)
    }
}

pub(crate) fn check(cx: &StatementContext) -> Vec<Violation> {
    let Some(this) = control(cx) else {
        return Vec::new();
    };
    let first_line = cx.sql().lines().next().unwrap_or_default();
    if !cx.no_transaction() {
        return vec![Violation::new(
            format!("`{first_line}` breaks the transaction dbwarden runs this migration in"),
            "dbwarden wraps the migration in one transaction and records it as applied inside \
             it: a COMMIT here commits half the migration, a ROLLBACK discards dbwarden's own \
             bookkeeping, and a BEGIN is ignored (PostgreSQL) or commits implicitly (MySQL). \
             Remove the statement, or mark the migration `-- dbwarden:no-transaction` and \
             manage its transactions yourself.",
        )];
    }
    // No-transaction: replay the file's own transactions up to this statement.
    let mut open = false;
    for earlier in cx.earlier() {
        match control(&earlier) {
            Some(Control::Open) => open = true,
            Some(Control::Close) => open = false,
            None => {}
        }
    }
    let problem = match this {
        Control::Open if open => "starts a transaction inside one that is still open",
        Control::Close if !open => "ends a transaction that was never started",
        Control::Open => {
            let closed = cx
                .all()
                .skip(cx.index + 1)
                .any(|later| control(&later).is_some());
            if closed {
                return Vec::new();
            }
            "starts a transaction the migration never ends"
        }
        Control::Close => return Vec::new(),
    };
    vec![Violation::new(
        format!("`{first_line}` {problem}"),
        "In a no-transaction migration the file manages its own transactions, so each BEGIN \
         needs exactly one COMMIT or ROLLBACK after it. An open transaction is rolled back when \
         dbwarden closes the connection, silently undoing the statements in it; a nested BEGIN \
         is ignored, so its COMMIT ends the outer transaction early.",
    )]
}

#[cfg(test)]
mod tests {
    use crate::rule::Rule;
    use crate::rules::testing::{assert_fires, assert_quiet, findings_of};
    use dbwarden_core::Dialect;

    const RULE: Rule = Rule::TransactionControlStatement;

    #[test]
    fn fires_in_transactional_migrations() {
        for dialect in [Dialect::Postgres, Dialect::Mysql, Dialect::Sqlite] {
            assert_fires(
                RULE,
                dialect,
                &[
                    "BEGIN;\nSELECT 1;",
                    "SELECT 1;\nCOMMIT;",
                    "START TRANSACTION;",
                    "ROLLBACK;",
                ],
            );
        }
        assert_eq!(
            findings_of(RULE, Dialect::Postgres, "BEGIN;\nSELECT 1;\nCOMMIT;").len(),
            2
        );
    }

    #[test]
    fn fires_on_unbalanced_transactions_without_dbwarden_transaction() {
        for dialect in [Dialect::Postgres, Dialect::Mysql, Dialect::Sqlite] {
            assert_fires(
                RULE,
                dialect,
                &[
                    "-- dbwarden:no-transaction\nBEGIN;\nUPDATE t SET a = 1 WHERE id = 1;",
                    "-- dbwarden:no-transaction\nUPDATE t SET a = 1 WHERE id = 1;\nCOMMIT;",
                    "-- dbwarden:no-transaction\nBEGIN;\nBEGIN;\nCOMMIT;\nCOMMIT;",
                ],
            );
        }
    }

    #[test]
    fn quiet_on_balanced_transactions_and_savepoints() {
        for dialect in [Dialect::Postgres, Dialect::Mysql, Dialect::Sqlite] {
            assert_quiet(
                RULE,
                dialect,
                &[
                    "-- dbwarden:no-transaction\nBEGIN;\nUPDATE t SET a = 1 WHERE id = 1;\nCOMMIT;",
                    "-- dbwarden:no-transaction\nSTART TRANSACTION;\nSELECT 1;\nROLLBACK;\nBEGIN;\nCOMMIT;",
                    "SAVEPOINT s;\nSELECT 1;\nROLLBACK TO SAVEPOINT s;",
                ],
            );
        }
        assert_quiet(
            RULE,
            Dialect::Sqlite,
            &["CREATE TRIGGER trg AFTER INSERT ON t BEGIN UPDATE t SET x = 1; END;"],
        );
    }
}
