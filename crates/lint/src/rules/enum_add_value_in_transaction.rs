//! `enum-add-value-in-transaction`: before PostgreSQL 12, `ALTER TYPE ... ADD VALUE` cannot run
//! inside a transaction block.

use super::{RuleDoc, Violation};
use crate::file::StatementContext;
use crate::version::Engine;
use sqlparser::ast::{self, AlterTypeOperation};

pub(crate) const DOC: RuleDoc = RuleDoc {
    summary: "`ALTER TYPE ... ADD VALUE` in a migration that runs in a transaction, for a server \
              older than PostgreSQL 12 (only with `--target-version`).",
    why: "Before PostgreSQL 12, ALTER TYPE ... ADD VALUE refuses to run inside a transaction \
          block (\"ERROR: ALTER TYPE ... ADD cannot run inside a transaction block\"), and \
          dbwarden runs each migration in one transaction unless it is marked \
          `-- dbwarden:no-transaction`: the migration fails at this statement. A DO block is a \
          transaction too. Put the statement in a migration of its own marked no-transaction. \
          From PostgreSQL 12 it runs in a transaction (the new value cannot be used before the \
          transaction commits), so without a target version this rule stays quiet.",
    bad: "ALTER TYPE order_status ADD VALUE 'refunded' AFTER 'delivered';\n",
    good: "-- dbwarden:no-transaction\n\
           ALTER TYPE order_status ADD VALUE IF NOT EXISTS 'refunded' AFTER 'delivered';\n",
};

/// The server version the documentation example is written for.
pub(crate) const EXAMPLE_TARGET: &str = "postgres:11";

pub(crate) fn check(cx: &StatementContext) -> Vec<Violation> {
    if cx.no_transaction() || !cx.target_before(Engine::Postgres, 12, 0, 0) {
        return Vec::new();
    }
    let Some(ast::Statement::AlterType(alter)) = cx.ast() else {
        return Vec::new();
    };
    let AlterTypeOperation::AddValue(add) = &alter.operation else {
        return Vec::new();
    };
    vec![
        Violation::new(
            format!(
                "ALTER TYPE {} ADD VALUE cannot run inside the migration's transaction before PostgreSQL 12",
                alter.name
            ),
            format!(
                "The target server is older than PostgreSQL 12, where ALTER TYPE ... ADD VALUE \
                 refuses to run inside a transaction block, and this migration runs in one: it \
                 would fail here. Put the statement in a migration of its own marked \
                 `-- dbwarden:no-transaction`; IF NOT EXISTS makes a retry safe. (Adding {} to \
                 `{}`.)",
                add.value, alter.name
            ),
        )
        .fix(format!("-- dbwarden:no-transaction\n{};", cx.sql()))
        .at(add.value.span),
    ]
}

#[cfg(test)]
mod tests {
    use crate::rule::Rule;
    use crate::rules::testing::{assert_quiet, findings_for};
    use dbwarden_core::Dialect;

    const RULE: Rule = Rule::EnumAddValueInTransaction;

    #[test]
    fn fires_in_a_transaction_before_postgres_12() {
        for source in [
            "ALTER TYPE mood ADD VALUE 'meh';",
            "ALTER TYPE mood ADD VALUE IF NOT EXISTS 'meh' AFTER 'sad';",
            "CREATE TABLE t (a int);\nALTER TYPE public.mood ADD VALUE 'meh' BEFORE 'ok';",
            "-- dbwarden:no-transaction\nDO $$ BEGIN ALTER TYPE mood ADD VALUE 'meh'; END $$;",
        ] {
            assert_eq!(
                findings_for(RULE, "postgres:11", source).len(),
                1,
                "{source}"
            );
            assert_eq!(findings_for(RULE, "9.6", source).len(), 1, "{source}");
        }
    }

    #[test]
    fn quiet_from_postgres_12_without_a_target_or_outside_a_transaction() {
        let add = "ALTER TYPE mood ADD VALUE 'meh';";
        assert!(findings_for(RULE, "postgres:12", add).is_empty());
        assert_quiet(RULE, Dialect::Postgres, &[add]);
        for source in [
            "-- dbwarden:no-transaction\nALTER TYPE mood ADD VALUE 'meh';",
            "ALTER TYPE mood RENAME VALUE 'meh' TO 'fine';",
            "CREATE TYPE mood AS ENUM ('sad', 'ok');",
        ] {
            assert!(
                findings_for(RULE, "postgres:11", source).is_empty(),
                "{source}"
            );
        }
    }
}
