//! `not-rerunnable-in-no-transaction`: a no-transaction migration that fails half-way is
//! retried from the top, so what it already added or dropped must not fail the retry.
//! `create-without-if-not-exists-in-no-transaction` covers `CREATE`; this rule covers the other
//! statements that have an `IF [NOT] EXISTS` form: `ADD COLUMN`, `DROP COLUMN`,
//! `DROP CONSTRAINT` and the `DROP` of an object.
//!
//! Only the guards the engine accepts are asked for. MySQL has none for columns, constraints
//! or `DROP INDEX` (MariaDB has them all from 10.2.1) and SQLite none for columns, so there the
//! rule stays quiet on those forms rather than suggest SQL the server would refuse. MariaDB's
//! `ADD COLUMN IF NOT EXISTS` is not asked for either: the parser does not read it in the
//! MySQL dialect, so the fixed migration would come back unparsed.

use super::{RuleDoc, Violation, sql};
use crate::analysis::OpaqueForm;
use crate::file::StatementContext;
use crate::version::Engine;
use dbwarden_core::Dialect;
use sqlparser::ast::{self, AlterTableOperation, ObjectType};

pub(crate) const DOC: RuleDoc = RuleDoc {
    summary: "`ADD COLUMN` without `IF NOT EXISTS`, or `DROP ...`, `DROP COLUMN` or `DROP \
              CONSTRAINT` without `IF EXISTS`, in a migration marked `-- dbwarden:no-transaction`.",
    why: "A no-transaction migration is not rolled back when a statement fails: the statements \
          before it stay done, and the retry runs the file again from its first statement. A \
          column the first attempt added is then already there, an object or column it dropped \
          already gone, and the plain ADD COLUMN or DROP fails the second time; the migration \
          cannot get past it without a hand edit. IF NOT EXISTS and IF EXISTS let the retry \
          pass over what is already done. MySQL has no IF [NOT] EXISTS for columns, constraints \
          or DROP INDEX, and SQLite none for columns, so on those engines only the DROP \
          statements they can guard are checked; with a MariaDB `--target-version` of 10.2.1 \
          or later, DROP COLUMN, DROP CONSTRAINT and DROP INDEX are checked too (not ADD \
          COLUMN: dbwarden's parser does not read MariaDB's ADD COLUMN IF NOT EXISTS). Where \
          the guard does not exist, give the statement a migration of its own, so that a \
          failure leaves nothing half-done to retry.",
    bad: "-- dbwarden:no-transaction\n\
          ALTER TABLE orders ADD COLUMN archived_at timestamptz;\n\
          DROP INDEX CONCURRENTLY orders_legacy_idx;\n",
    good: "-- dbwarden:no-transaction\n\
           ALTER TABLE orders ADD COLUMN IF NOT EXISTS archived_at timestamptz;\n\
           DROP INDEX CONCURRENTLY IF EXISTS orders_legacy_idx;\n",
};

pub(crate) fn check(cx: &StatementContext) -> Vec<Violation> {
    if !cx.no_transaction() {
        return Vec::new();
    }
    let (missing, fix) = match (cx.ast(), cx.opaque()) {
        (Some(statement), _) => match guarded(cx, statement) {
            Some((missing, fixed)) => (missing, sql(fixed)),
            None => return Vec::new(),
        },
        (
            _,
            Some(OpaqueForm::DropIndexConcurrently {
                names,
                if_exists: false,
            }),
        ) => (
            vec![format!(
                "DROP INDEX {} without IF EXISTS",
                listed(names.iter())
            )],
            format!("DROP INDEX CONCURRENTLY IF EXISTS {};", names.join(", ")),
        ),
        _ => return Vec::new(),
    };
    vec![
        Violation::new(
            format!(
                "{} would fail when this no-transaction migration is retried",
                missing.join(", ")
            ),
            "This migration runs without a transaction: if a later statement fails, this \
             statement's change stays, and the retry, which starts again from the top, fails \
             here, since what it adds is already there and what it drops already gone. IF NOT \
             EXISTS / IF EXISTS lets the retry pass over it.",
        )
        .fix(fix),
    ]
}

/// The statement with `IF [NOT] EXISTS` added wherever it is missing and the engine accepts
/// it, and what was missing; `None` when nothing is.
fn guarded(
    cx: &StatementContext,
    statement: &ast::Statement,
) -> Option<(Vec<String>, ast::Statement)> {
    let mut fixed = statement.clone();
    let mut missing = Vec::new();
    let mut require = |what: String, guard: &mut bool| {
        if !*guard {
            *guard = true;
            missing.push(what);
        }
    };
    match &mut fixed {
        ast::Statement::AlterTable(alter) => {
            if column_guards(cx) {
                for op in &mut alter.operations {
                    if let Some((what, guard)) = operation_guard(cx.dialect(), op) {
                        require(what, guard);
                    }
                }
            }
        }
        other => {
            if let Some((what, guard)) = drop_guard(cx, other) {
                require(what, guard);
            }
        }
    }
    (!missing.is_empty()).then_some((missing, fixed))
}

/// Whether the engine has `DROP COLUMN IF EXISTS` and `DROP CONSTRAINT IF EXISTS` (and, but
/// for the parser on MariaDB, `ADD COLUMN IF NOT EXISTS`).
fn column_guards(cx: &StatementContext) -> bool {
    match cx.dialect() {
        Dialect::Postgres => true,
        Dialect::Mysql => mariadb_guards(cx),
        Dialect::Sqlite => false,
    }
}

/// Whether the migration is for a MariaDB that has the guards MySQL lacks. Without a target
/// the MySQL dialect may be MySQL, so the guards are not asked for.
fn mariadb_guards(cx: &StatementContext) -> bool {
    cx.target_at_least(Engine::Mariadb, 10, 2, 1)
}

/// The `ALTER TABLE` operation's guard flag, with what it means when missing.
fn operation_guard(dialect: Dialect, op: &mut AlterTableOperation) -> Option<(String, &mut bool)> {
    match op {
        // MariaDB's form comes back unparsed in the MySQL dialect; see the module comment.
        AlterTableOperation::AddColumn {
            if_not_exists,
            column_def,
            ..
        } if dialect != Dialect::Mysql => Some((
            format!("ADD COLUMN `{}` without IF NOT EXISTS", column_def.name),
            if_not_exists,
        )),
        AlterTableOperation::DropColumn {
            if_exists,
            column_names,
            ..
        } => Some((
            format!(
                "DROP COLUMN {} without IF EXISTS",
                listed(column_names.iter())
            ),
            if_exists,
        )),
        AlterTableOperation::DropConstraint {
            if_exists, name, ..
        } => Some((
            format!("DROP CONSTRAINT `{name}` without IF EXISTS"),
            if_exists,
        )),
        _ => None,
    }
}

/// The `DROP` statement's `IF EXISTS` flag, with what it means when missing.
fn drop_guard<'a>(
    cx: &StatementContext,
    statement: &'a mut ast::Statement,
) -> Option<(String, &'a mut bool)> {
    let (kind, guard) = match statement {
        // MySQL has no DROP INDEX IF EXISTS (MariaDB has).
        ast::Statement::Drop {
            object_type: ObjectType::Index,
            ..
        } if cx.dialect() == Dialect::Mysql && !mariadb_guards(cx) => {
            return None;
        }
        ast::Statement::Drop {
            object_type,
            if_exists,
            names,
            ..
        } => (format!("{object_type} {}", listed(names.iter())), if_exists),
        ast::Statement::DropFunction(drop) => ("FUNCTION".to_string(), &mut drop.if_exists),
        ast::Statement::DropProcedure { if_exists, .. } => ("PROCEDURE".to_string(), if_exists),
        ast::Statement::DropTrigger(drop) => ("TRIGGER".to_string(), &mut drop.if_exists),
        ast::Statement::DropExtension(drop) => ("EXTENSION".to_string(), &mut drop.if_exists),
        ast::Statement::DropDomain(drop) => ("DOMAIN".to_string(), &mut drop.if_exists),
        _ => return None,
    };
    Some((format!("DROP {kind} without IF EXISTS"), guard))
}

/// Names for a message: `a`, `s.b`.
fn listed(names: impl Iterator<Item = impl std::fmt::Display>) -> String {
    names
        .map(|name| format!("`{name}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use crate::rule::Rule;
    use crate::rules::testing::{assert_fires, assert_quiet, findings_for, only};
    use dbwarden_core::Dialect;

    const RULE: Rule = Rule::NotRerunnableInNoTransaction;
    const NO_TX: &str = "-- dbwarden:no-transaction\n";

    fn no_tx(sql: &str) -> String {
        format!("{NO_TX}{sql}")
    }

    #[test]
    fn fires_on_unguarded_changes_in_no_transaction_migrations() {
        let sources = [
            "ALTER TABLE t ADD COLUMN c int;",
            "ALTER TABLE t DROP COLUMN c;",
            "ALTER TABLE t DROP CONSTRAINT t_c_check;",
            "ALTER TABLE t ADD COLUMN IF NOT EXISTS a int, ADD COLUMN b int;",
            "DROP TABLE t;",
            "DROP VIEW v;",
            "DROP MATERIALIZED VIEW v;",
            "DROP SEQUENCE s;",
            "DROP INDEX i;",
            "DROP INDEX CONCURRENTLY i;",
            "DROP TYPE order_status;",
            "DROP SCHEMA s;",
            "DROP FUNCTION f(int);",
            "DROP TRIGGER tr ON t;",
            "DROP EXTENSION pgcrypto;",
            "DROP DOMAIN price;",
            "SELECT 1;\nALTER TABLE t ADD COLUMN c int;",
        ];
        let sources: Vec<String> = sources.iter().map(|sql| no_tx(sql)).collect();
        let sources: Vec<&str> = sources.iter().map(String::as_str).collect();
        assert_fires(RULE, Dialect::Postgres, &sources);
        assert_fires(
            RULE,
            Dialect::Mysql,
            &[&no_tx("DROP TABLE t;"), &no_tx("DROP VIEW v;")],
        );
        assert_fires(
            RULE,
            Dialect::Sqlite,
            &[&no_tx("DROP TABLE t;"), &no_tx("DROP INDEX i;")],
        );
    }

    #[test]
    fn quiet_with_guards() {
        let guarded = [
            "ALTER TABLE t ADD COLUMN IF NOT EXISTS c int;",
            "ALTER TABLE t DROP COLUMN IF EXISTS c;",
            "ALTER TABLE t DROP CONSTRAINT IF EXISTS t_c_check;",
            "ALTER TABLE t ALTER COLUMN c SET DEFAULT 0;",
            "DROP TABLE IF EXISTS t;",
            "DROP INDEX CONCURRENTLY IF EXISTS i;",
            "DROP FUNCTION IF EXISTS f(int);",
            "CREATE TABLE t (id bigint);",
        ];
        let sources: Vec<String> = guarded.iter().map(|sql| no_tx(sql)).collect();
        let sources: Vec<&str> = sources.iter().map(String::as_str).collect();
        assert_quiet(RULE, Dialect::Postgres, &sources);
    }

    #[test]
    fn quiet_in_transactional_migrations_and_do_blocks() {
        assert_quiet(
            RULE,
            Dialect::Postgres,
            &[
                "ALTER TABLE t ADD COLUMN c int;",
                "DROP TABLE t;",
                "ALTER TABLE t DROP COLUMN c;",
                "-- dbwarden:no-transaction\nDO $$ BEGIN ALTER TABLE t ADD COLUMN c int; END $$;",
            ],
        );
    }

    #[test]
    fn only_asks_for_guards_the_engine_has() {
        // MySQL and SQLite cannot guard columns; MySQL cannot guard DROP INDEX.
        assert_quiet(
            RULE,
            Dialect::Mysql,
            &[
                &no_tx("ALTER TABLE t ADD COLUMN c int;"),
                &no_tx("ALTER TABLE t DROP COLUMN c;"),
                &no_tx("DROP INDEX i ON t;"),
            ],
        );
        assert_quiet(
            RULE,
            Dialect::Sqlite,
            &[
                &no_tx("ALTER TABLE t ADD COLUMN c int;"),
                &no_tx("ALTER TABLE t DROP COLUMN c;"),
            ],
        );
        // MariaDB can, except ADD COLUMN IF NOT EXISTS, which the MySQL-dialect parser
        // cannot read back.
        let drop = findings_for(RULE, "mariadb:10.6", &no_tx("ALTER TABLE t DROP COLUMN c;"));
        assert_eq!(
            drop[0].fix.as_deref(),
            Some("ALTER TABLE t DROP COLUMN IF EXISTS c;")
        );
        assert!(
            findings_for(
                RULE,
                "mariadb:10.6",
                &no_tx("ALTER TABLE t ADD COLUMN c int;")
            )
            .is_empty()
        );
        let index = findings_for(RULE, "mariadb:10.6", &no_tx("DROP INDEX i ON t;"));
        assert_eq!(
            index[0].fix.as_deref(),
            Some("DROP INDEX IF EXISTS i ON t;")
        );
        assert!(findings_for(RULE, "mariadb:10.1", &no_tx("DROP INDEX i ON t;")).is_empty());
        assert!(findings_for(RULE, "mysql:8.0", &no_tx("DROP INDEX i ON t;")).is_empty());
        let guarded = no_tx("ALTER TABLE t DROP CONSTRAINT IF EXISTS k;");
        assert!(findings_for(RULE, "mariadb:10.6", &guarded).is_empty());
    }

    #[test]
    fn fix_adds_every_missing_guard() {
        let finding = only(
            RULE,
            Dialect::Postgres,
            &no_tx("ALTER TABLE t ADD COLUMN a int, DROP COLUMN b, DROP CONSTRAINT k;"),
        );
        assert_eq!(
            finding.fix.as_deref(),
            Some(
                "ALTER TABLE t ADD COLUMN IF NOT EXISTS a INT, DROP COLUMN IF EXISTS b, \
                 DROP CONSTRAINT IF EXISTS k;"
            )
        );
        assert!(
            finding.message.contains("ADD COLUMN `a`"),
            "{}",
            finding.message
        );
        assert!(
            finding.message.contains("DROP COLUMN `b`"),
            "{}",
            finding.message
        );
        let drop = only(
            RULE,
            Dialect::Postgres,
            &no_tx("DROP INDEX CONCURRENTLY a, s.b;"),
        );
        assert_eq!(
            drop.fix.as_deref(),
            Some("DROP INDEX CONCURRENTLY IF EXISTS a, s.b;")
        );
        assert!(
            drop.message
                .starts_with("DROP INDEX `a`, `s.b` without IF EXISTS")
        );
        let table = only(RULE, Dialect::Postgres, &no_tx("DROP TABLE t CASCADE;"));
        assert_eq!(
            table.fix.as_deref(),
            Some("DROP TABLE IF EXISTS t CASCADE;")
        );
    }
}
