//! `drop-not-null`: old code may rely on a column never being NULL.

use super::{RuleDoc, Violation};
use crate::file::StatementContext;
use crate::identifiers::object_text;
use sqlparser::ast::{AlterColumnOperation, AlterTableOperation};

pub(crate) const DOC: RuleDoc = RuleDoc {
    summary: "`ALTER COLUMN ... DROP NOT NULL`.",
    why: "The change itself is instant, but code written against the old schema assumes the \
          column is never NULL: it reads the value without a NULL check, or maps it to a \
          non-optional field. Once new code starts writing NULLs, the release still running \
          during the deploy — and the one you would roll back to — fails on those rows. Ship \
          code that tolerates NULL before allowing them.",
    bad: "ALTER TABLE orders ALTER COLUMN shipped_at DROP NOT NULL;\n",
    good: "-- dbwarden:allow drop-not-null every reader handles NULL since release 2024.05\n\
           ALTER TABLE orders ALTER COLUMN shipped_at DROP NOT NULL;\n",
};

pub(crate) fn check(cx: &StatementContext) -> Vec<Violation> {
    let Some(alter) = cx.alter_existing_table() else {
        return Vec::new();
    };
    let table = object_text(&alter.name);
    alter
        .operations
        .iter()
        .filter_map(|op| match op {
            AlterTableOperation::AlterColumn {
                column_name,
                op: AlterColumnOperation::DropNotNull,
            } => Some(
                Violation::new(
                    format!(
                        "DROP NOT NULL on `{table}`.`{}` lets NULLs reach code that assumes none",
                        column_name.value
                    ),
                    format!(
                        "Code written for the old schema reads `{table}`.`{}` without a NULL \
                         check; once NULLs are written, the release running during the deploy, \
                         and the one you would roll back to, fail on those rows. Ship code that \
                         handles NULL first.",
                        column_name.value
                    ),
                )
                .at(column_name.span),
            ),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::rule::Rule;
    use crate::rules::testing::{assert_fires, assert_quiet};
    use dbwarden_core::Dialect;

    const RULE: Rule = Rule::DropNotNull;

    #[test]
    fn fires_on_drop_not_null() {
        assert_fires(
            RULE,
            Dialect::Postgres,
            &[
                "ALTER TABLE t ALTER COLUMN c DROP NOT NULL;",
                "ALTER TABLE t ALTER c DROP NOT NULL;",
                "ALTER TABLE t ADD COLUMN d int, ALTER COLUMN c DROP NOT NULL;",
            ],
        );
    }

    #[test]
    fn quiet_otherwise() {
        assert_quiet(
            RULE,
            Dialect::Postgres,
            &[
                "ALTER TABLE t ALTER COLUMN c SET NOT NULL;",
                "CREATE TABLE t (c int NOT NULL);\nALTER TABLE t ALTER COLUMN c DROP NOT NULL;",
                "ALTER TABLE t ALTER COLUMN c DROP DEFAULT;",
            ],
        );
    }
}
