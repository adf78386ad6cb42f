//! `schema-change-with-backfill`: a backfill in the transaction of a schema change holds the
//! schema change's lock for as long as the backfill runs.

use super::{RuleDoc, Violation};
use crate::file::StatementContext;
use crate::locks::strong_lock;
use sqlparser::ast::{self, ObjectName, SetExpr, TableFactor, TableObject};

pub(crate) const DOC: RuleDoc = RuleDoc {
    summary: "A data backfill (`UPDATE`, `INSERT ... SELECT`) in the same transaction as a \
              schema change.",
    why: "Locks are held until the transaction commits. In one migration, the lock taken by the \
          schema change stays held for the whole backfill — an ACCESS EXCLUSIVE lock on \
          PostgreSQL blocks every read and write of the table for as long as the UPDATE runs — \
          and a failed backfill rolls the schema change back with it. Run the backfill as a \
          migration of its own, marked `-- dbwarden:no-transaction`, in batches.",
    bad: "ALTER TABLE users ADD COLUMN plan text;\nUPDATE users SET plan = 'free' WHERE plan IS NULL;\n",
    good: "-- dbwarden:no-transaction\nUPDATE users SET plan = 'free' WHERE plan IS NULL AND id BETWEEN 1 AND 10000;\n",
};

pub(crate) fn check(cx: &StatementContext) -> Vec<Violation> {
    if cx.no_transaction() {
        return Vec::new();
    }
    let Some(table) = backfill_target(cx) else {
        return Vec::new();
    };
    let Some(change) = cx.same_transaction().find(is_schema_change) else {
        return Vec::new();
    };
    let line = change.analyzed().statement.line;
    vec![
        Violation::new(
            format!("backfill of `{table}` runs in the same transaction as the schema change on line {line}"),
            format!(
                "Locks are held until the migration commits, so the lock taken by the schema \
                 change on line {line} stays held for the whole backfill, and the backfill's \
                 row locks for the whole migration: `{table}` stays blocked as long as both \
                 take. A failed backfill also rolls back the schema change. Run the backfill as \
                 a migration of its own, marked `-- dbwarden:no-transaction`, in batches."
            ),
        )
        .fix(format!("-- dbwarden:no-transaction\n{};", cx.sql())),
    ]
}

/// The existing table an `UPDATE` or `INSERT ... SELECT` writes to.
fn backfill_target<'a>(cx: &StatementContext<'a>) -> Option<&'a ObjectName> {
    let table = match cx.ast()? {
        ast::Statement::Update(update) => match &update.table.relation {
            TableFactor::Table { name, .. } => name,
            _ => return None,
        },
        ast::Statement::Insert(insert) => {
            let source = insert.source.as_ref()?;
            if matches!(source.body.as_ref(), SetExpr::Values(_)) {
                return None;
            }
            match &insert.table {
                TableObject::TableName(name) => name,
                _ => return None,
            }
        }
        _ => return None,
    };
    (!cx.is_new_table(table)).then_some(table)
}

fn is_schema_change(cx: &StatementContext) -> bool {
    strong_lock(cx).is_some()
        || match cx.ast() {
            Some(ast::Statement::AlterTable(alter)) => !cx.is_new_table(&alter.name),
            Some(ast::Statement::CreateIndex(create)) => {
                !create.concurrently && !cx.is_new_table(&create.table_name)
            }
            _ => false,
        }
}

#[cfg(test)]
mod tests {
    use crate::rule::Rule;
    use crate::rules::testing::{assert_fires, assert_quiet, only};
    use dbwarden_core::Dialect;

    const RULE: Rule = Rule::SchemaChangeWithBackfill;

    #[test]
    fn fires_on_backfills_next_to_schema_changes() {
        for dialect in [Dialect::Postgres, Dialect::Sqlite] {
            assert_fires(
                RULE,
                dialect,
                &[
                    "ALTER TABLE t ADD COLUMN c int;\nUPDATE t SET c = 1;",
                    "UPDATE t SET c = 1 WHERE c IS NULL;\nCREATE INDEX i ON t (c);",
                    "ALTER TABLE u ADD COLUMN c int;\nINSERT INTO t (a) SELECT a FROM u;",
                ],
            );
        }
    }

    #[test]
    fn quiet_without_schema_change_in_no_transaction_or_for_new_tables() {
        for dialect in [Dialect::Postgres, Dialect::Sqlite] {
            assert_quiet(
                RULE,
                dialect,
                &[
                    "UPDATE t SET c = 1 WHERE id < 100;",
                    "-- dbwarden:no-transaction\nALTER TABLE t ADD COLUMN c int;\nUPDATE t SET c = 1;",
                    "CREATE TABLE t (c int);\nINSERT INTO t (c) SELECT c FROM u;",
                    "ALTER TABLE t ADD COLUMN c int;\nINSERT INTO t (a) VALUES (1);",
                ],
            );
        }
    }

    #[test]
    fn names_the_schema_change() {
        let finding = only(
            RULE,
            Dialect::Postgres,
            "ALTER TABLE users ADD COLUMN plan text;\nUPDATE users SET plan = 'free';",
        );
        assert!(finding.message.contains("schema change on line 1"));
        assert_eq!(finding.line, 2);
        assert_eq!(
            finding.fix.as_deref(),
            Some("-- dbwarden:no-transaction\nUPDATE users SET plan = 'free';")
        );
    }
}
