//! `add-unique-constraint-without-index`: `ADD UNIQUE` builds its index under an exclusive lock.

use super::{RuleDoc, Violation, no_transaction_migration};
use crate::file::StatementContext;
use crate::identifiers::{invent, object_text};
use sqlparser::ast::{AlterTableOperation, Spanned, TableConstraint};

pub(crate) const DOC: RuleDoc = RuleDoc {
    summary: "`ADD CONSTRAINT ... UNIQUE (columns)` on an existing table, instead of attaching \
              an index built concurrently.",
    why: "ADD UNIQUE builds its unique index while holding an ACCESS EXCLUSIVE lock on the \
          table: no reads or writes until every row is indexed. Build the index first with \
          CREATE UNIQUE INDEX CONCURRENTLY, which lets writes continue, then attach it with \
          ADD CONSTRAINT ... UNIQUE USING INDEX, which is instant.",
    bad: "ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);\n",
    good: "-- dbwarden:no-transaction\n\
           CREATE UNIQUE INDEX CONCURRENTLY users_email_key ON users (email);\n\
           ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_key;\n",
};

pub(crate) fn check(cx: &StatementContext) -> Vec<Violation> {
    let Some(alter) = cx.alter_existing_table() else {
        return Vec::new();
    };
    let table = object_text(&alter.name);
    alter
        .operations
        .iter()
        .filter_map(|op| {
            let AlterTableOperation::AddConstraint {
                constraint: TableConstraint::Unique(unique),
                ..
            } = op
            else {
                return None;
            };
            let columns: Vec<String> = unique.columns.iter().map(ToString::to_string).collect();
            let name = unique.name.clone().unwrap_or_else(|| {
                let parts: Vec<&str> = std::iter::once(table.as_str())
                    .chain(columns.iter().map(String::as_str))
                    .collect();
                invent(cx.dialect(), &parts, "key")
            });
            let fix = format!(
                "CREATE UNIQUE INDEX CONCURRENTLY {name} ON {} ({});\n\
                 ALTER TABLE {} ADD CONSTRAINT {name} UNIQUE USING INDEX {name};",
                alter.name,
                columns.join(", "),
                alter.name
            );
            Some(
                Violation::new(
                    format!("ADD UNIQUE on `{table}` builds its index under an exclusive lock"),
                    format!(
                        "ADD UNIQUE builds its unique index while holding an ACCESS EXCLUSIVE \
                         lock on `{table}`: no reads or writes until every row is indexed. Build \
                         the index with CREATE UNIQUE INDEX CONCURRENTLY (in a migration marked \
                         `-- dbwarden:no-transaction`), then attach it with ADD CONSTRAINT ... \
                         UNIQUE USING INDEX, which is instant."
                    ),
                )
                .fix(no_transaction_migration(cx, &fix))
                .at(op.span()),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::rule::Rule;
    use crate::rules::testing::{assert_fires, assert_quiet, only};
    use dbwarden_core::Dialect;

    const RULE: Rule = Rule::AddUniqueConstraintWithoutIndex;

    #[test]
    fn fires_on_unique_constraints_with_columns() {
        assert_fires(
            RULE,
            Dialect::Postgres,
            &[
                "ALTER TABLE t ADD CONSTRAINT u UNIQUE (a);",
                "ALTER TABLE t ADD UNIQUE (a, b);",
                "CREATE TABLE x (id int);\nALTER TABLE t ADD CONSTRAINT u UNIQUE (a);",
            ],
        );
    }

    #[test]
    fn quiet_when_attaching_an_index_or_on_new_tables() {
        assert_quiet(
            RULE,
            Dialect::Postgres,
            &[
                "ALTER TABLE t ADD CONSTRAINT u UNIQUE USING INDEX u;",
                "CREATE TABLE t (a int);\nALTER TABLE t ADD UNIQUE (a);",
                "CREATE UNIQUE INDEX CONCURRENTLY u ON t (a);",
            ],
        );
    }

    #[test]
    fn fix_builds_the_index_concurrently_then_attaches_it() {
        let finding = only(
            RULE,
            Dialect::Postgres,
            "ALTER TABLE users ADD UNIQUE (email);",
        );
        assert_eq!(
            finding.fix.as_deref(),
            Some(
                "-- dbwarden:no-transaction\n\
                 CREATE UNIQUE INDEX CONCURRENTLY users_email_key ON users (email);\n\
                 ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_key;"
            )
        );
    }
}
