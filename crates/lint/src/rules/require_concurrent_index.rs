//! `require-concurrent-index`: build indexes on existing PostgreSQL tables with `CONCURRENTLY`.

use super::{RuleDoc, Violation, no_transaction_migration, sql};
use crate::file::StatementContext;
use crate::identifiers::object_text;
use sqlparser::ast;

pub(crate) const DOC: RuleDoc = RuleDoc {
    summary: "`CREATE INDEX` without `CONCURRENTLY` on a table that already exists.",
    why: "CREATE INDEX takes a SHARE lock on the table: reads continue, but every INSERT, UPDATE \
          and DELETE waits until the index is built, which on a large table can take minutes. \
          CREATE INDEX CONCURRENTLY builds the index while writes continue, at the price of two \
          table scans; it cannot run inside a transaction, so it goes in a migration marked \
          `-- dbwarden:no-transaction`. Tables created in the same migration are not checked: \
          nobody else can be using them yet.",
    bad: "CREATE INDEX orders_customer_id_idx ON orders (customer_id);\n",
    good: "-- dbwarden:no-transaction\n\
           CREATE INDEX CONCURRENTLY orders_customer_id_idx ON orders (customer_id);\n",
};

pub(crate) fn check(cx: &StatementContext) -> Vec<Violation> {
    let Some(ast::Statement::CreateIndex(create)) = cx.ast() else {
        return Vec::new();
    };
    if create.concurrently || cx.is_new_table(&create.table_name) {
        return Vec::new();
    }
    let table = object_text(&create.table_name);
    let kind = if create.unique {
        "CREATE UNIQUE INDEX"
    } else {
        "CREATE INDEX"
    };
    let mut concurrent = create.clone();
    concurrent.concurrently = true;
    vec![
        Violation::new(
            format!("{kind} on existing table `{table}` blocks writes until the index is built"),
            format!(
                "{kind} takes a SHARE lock on `{table}`: reads continue but every INSERT, UPDATE \
                 and DELETE waits until the index is built, which on a large table can take \
                 minutes. CREATE INDEX CONCURRENTLY builds it without blocking writes; it cannot \
                 run inside a transaction, so it goes in a migration marked \
                 `-- dbwarden:no-transaction`."
            ),
        )
        .fix(no_transaction_migration(
            cx,
            &sql(ast::Statement::CreateIndex(concurrent)),
        )),
    ]
}

#[cfg(test)]
mod tests {
    use crate::rule::Rule;
    use crate::rules::testing::{assert_fires, assert_quiet, only};
    use dbwarden_core::Dialect;

    const RULE: Rule = Rule::RequireConcurrentIndex;

    #[test]
    fn fires_on_plain_index_builds_of_existing_tables() {
        assert_fires(
            RULE,
            Dialect::Postgres,
            &[
                "CREATE INDEX i ON t (c);",
                "CREATE UNIQUE INDEX IF NOT EXISTS i ON public.t USING btree (lower(email));",
                "CREATE TABLE other (id bigint);\nCREATE INDEX i ON t (c) WHERE deleted_at IS NULL;",
                "CREATE INDEX ON t (a, b);",
            ],
        );
    }

    #[test]
    fn quiet_on_concurrent_builds_new_tables_and_other_engines() {
        assert_quiet(
            RULE,
            Dialect::Postgres,
            &[
                "-- dbwarden:no-transaction\nCREATE INDEX CONCURRENTLY i ON t (c);",
                "CREATE TABLE t (c int);\nCREATE INDEX i ON t (c);",
                "CREATE TABLE public.t (c int);\nCREATE UNIQUE INDEX i ON t (c);",
                "CREATE INDEX CONCURRENTLY IF NOT EXISTS i ON t (c);",
            ],
        );
        assert_quiet(RULE, Dialect::Mysql, &["CREATE INDEX i ON t (c);"]);
        assert_quiet(RULE, Dialect::Sqlite, &["CREATE INDEX i ON t (c);"]);
    }

    #[test]
    fn fix_is_the_concurrent_statement_in_a_no_transaction_migration() {
        let finding = only(RULE, Dialect::Postgres, "CREATE INDEX idx ON t (c);");
        assert_eq!(
            finding.fix.as_deref(),
            Some("-- dbwarden:no-transaction\nCREATE INDEX CONCURRENTLY idx ON t(c);")
        );
        assert!(finding.why.contains("SHARE lock on `t`"));
        let in_no_tx = only(
            RULE,
            Dialect::Postgres,
            "-- dbwarden:no-transaction\nCREATE UNIQUE INDEX idx ON t (c);",
        );
        assert_eq!(
            in_no_tx.fix.as_deref(),
            Some("CREATE UNIQUE INDEX CONCURRENTLY idx ON t(c);")
        );
    }
}
