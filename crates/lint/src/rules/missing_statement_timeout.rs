//! `missing-statement-timeout`: a statement that blocks a table while it processes every row
//! should not be allowed to run for as long as the table is large.

use super::{RuleDoc, Violation};
use crate::file::StatementContext;
use crate::locks::{LockMode, strong_lock};
use crate::settings::limit_in_effect;
use crate::table_work::table_work;

pub(crate) const DOC: RuleDoc = RuleDoc {
    summary: "A statement that rewrites, scans or indexes every row of an existing table under a \
              lock that blocks traffic, with no `statement_timeout` set before it in the \
              migration.",
    why: "lock_timeout bounds the wait for a lock; once granted, the statement keeps the lock \
          for as long as it runs. Rewriting a column type, checking a new constraint, setting \
          NOT NULL or building an index without CONCURRENTLY processes every row while reads \
          or writes of the table wait, and on a table larger than expected that is minutes or \
          hours of outage with no way out but cancelling by hand. With statement_timeout set \
          to the longest the table may stay blocked, PostgreSQL cancels the statement, the \
          migration rolls back and traffic resumes. Reported once per migration, at the first \
          statement that needs it: one SET at the top covers every statement after it. The \
          concurrent forms (CREATE INDEX CONCURRENTLY, VALIDATE CONSTRAINT) are not counted: \
          they do not block reads or writes, and cancelling them only throws the work away.",
    bad: "ALTER TABLE orders ADD CONSTRAINT orders_total_positive CHECK (total >= 0);\n",
    good: "SET LOCAL statement_timeout = '1min';\n\
           ALTER TABLE orders ADD CONSTRAINT orders_total_positive CHECK (total >= 0);\n",
};

pub(crate) fn check(cx: &StatementContext) -> Vec<Violation> {
    let Some(work) = table_work(cx) else {
        return Vec::new();
    };
    if limit_in_effect(cx, "statement_timeout")
        || cx.earlier().any(|earlier| table_work(&earlier).is_some())
    {
        return Vec::new();
    }
    let table = &work.table;
    let verb = work.kind.verb();
    let (lock, blocks) = match strong_lock(cx).map(|lock| lock.mode) {
        Some(mode) => (
            format!("{} {} lock", article(mode), mode.name()),
            mode.blocks(),
        ),
        None => ("its lock".to_string(), "other sessions"),
    };
    let set = if cx.no_transaction() {
        "SET statement_timeout = '1min';"
    } else {
        "SET LOCAL statement_timeout = '1min';"
    };
    vec![
        Violation::new(
            format!("{verb} `{table}` under {lock} with no statement_timeout set"),
            format!(
                "The statement {verb} `{table}` while holding {lock}, which blocks {blocks} \
                 until it ends: the larger the table, the longer the outage, with nothing to \
                 stop it. Set statement_timeout to the longest `{table}` may stay blocked; if \
                 the statement takes longer, PostgreSQL cancels it, the migration rolls back \
                 and traffic resumes. One SET at the top covers every statement after it."
            ),
        )
        .fix(format!(
            "{set} -- the longest {table} may stay blocked\n{};",
            cx.sql()
        )),
    ]
}

fn article(mode: LockMode) -> &'static str {
    match mode {
        LockMode::AccessExclusive | LockMode::MysqlMetadata => "an",
        LockMode::ShareRowExclusive | LockMode::Share => "a",
    }
}

#[cfg(test)]
mod tests {
    use crate::rule::Rule;
    use crate::rules::testing::{assert_fires, assert_quiet, findings_of, only};
    use dbwarden_core::Dialect;

    const RULE: Rule = Rule::MissingStatementTimeout;

    #[test]
    fn fires_before_long_blocking_ddl_without_a_timeout() {
        assert_fires(
            RULE,
            Dialect::Postgres,
            &[
                "ALTER TABLE t ALTER COLUMN c SET NOT NULL;",
                "ALTER TABLE t ALTER COLUMN c TYPE bigint;",
                "ALTER TABLE t ADD CONSTRAINT k CHECK (c > 0);",
                "ALTER TABLE t ADD CONSTRAINT f FOREIGN KEY (u) REFERENCES u (id);",
                "CREATE INDEX i ON t (c);",
                "SET lock_timeout = '5s';\nCREATE UNIQUE INDEX i ON t (c);",
                "SET statement_timeout = 0;\nALTER TABLE t ALTER COLUMN c TYPE bigint;",
                "ALTER TABLE t ALTER COLUMN c TYPE int;\nSET statement_timeout = '1min';",
                "-- dbwarden:no-transaction\nSET LOCAL statement_timeout = '1min';\nVACUUM FULL t;",
                "REINDEX TABLE t;",
                "DO $$ BEGIN ALTER TABLE t ADD PRIMARY KEY (id); END $$;",
            ],
        );
    }

    #[test]
    fn quiet_with_a_timeout_or_without_long_blocking_work() {
        assert_quiet(
            RULE,
            Dialect::Postgres,
            &[
                "SET statement_timeout = '1min';\nALTER TABLE t ALTER COLUMN c SET NOT NULL;",
                "SET LOCAL statement_timeout TO '30s';\nCREATE INDEX i ON t (c);",
                "-- dbwarden:no-transaction\nCREATE INDEX CONCURRENTLY i ON t (c);",
                "ALTER TABLE t ADD CONSTRAINT k CHECK (c > 0) NOT VALID;",
                "ALTER TABLE t VALIDATE CONSTRAINT k;",
                "ALTER TABLE t ADD COLUMN c int DEFAULT 0;",
                "ALTER TABLE t ALTER COLUMN c TYPE text;",
                "CREATE TABLE t (c int);\nCREATE INDEX i ON t (c);",
                "UPDATE t SET c = 1;",
            ],
        );
        assert_quiet(
            RULE,
            Dialect::Mysql,
            &["ALTER TABLE t MODIFY c bigint;", "CREATE INDEX i ON t (c);"],
        );
    }

    #[test]
    fn reported_once_per_migration_with_the_lock_named() {
        let source = "CREATE INDEX a ON t (c);\nALTER TABLE t ALTER COLUMN c SET NOT NULL;\n";
        assert_eq!(findings_of(RULE, Dialect::Postgres, source).len(), 1);
        let finding = only(
            RULE,
            Dialect::Postgres,
            "ALTER TABLE orders ALTER COLUMN id TYPE bigint;",
        );
        assert_eq!(
            finding.message,
            "rewrites `orders` under an ACCESS EXCLUSIVE lock with no statement_timeout set"
        );
        assert_eq!(
            finding.fix.as_deref(),
            Some(
                "SET LOCAL statement_timeout = '1min'; -- the longest orders may stay blocked\n\
                 ALTER TABLE orders ALTER COLUMN id TYPE bigint;"
            )
        );
        let index = only(RULE, Dialect::Postgres, "CREATE INDEX i ON t (c);");
        assert!(
            index.message.contains("under a SHARE lock"),
            "{}",
            index.message
        );
    }

    #[test]
    fn older_servers_count_constant_defaults_and_proven_not_null() {
        use crate::{LintConfig, LintInput, TargetVersion, lint};
        let run = |source: &str, target: &str| {
            let config = LintConfig {
                target_version: TargetVersion::parse(target, Dialect::Postgres).ok(),
                ..LintConfig::default()
            };
            let input = LintInput {
                path: "m.sql",
                source,
                dialect: Dialect::Postgres,
            };
            lint(&input, &config)
                .findings
                .into_iter()
                .filter(|f| f.rule == RULE)
                .count()
        };
        let add = "ALTER TABLE t ADD COLUMN c int NOT NULL DEFAULT 0;";
        assert_eq!(run(add, "postgres:10"), 1);
        assert_eq!(run(add, "postgres:11"), 0);
    }
}
