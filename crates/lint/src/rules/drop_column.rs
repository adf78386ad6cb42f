//! `drop-column`: dropping a column deletes its data and breaks code that still uses it.

use super::{RuleDoc, Violation};
use crate::file::StatementContext;
use crate::identifiers::object_text;
use sqlparser::ast::{AlterTableOperation, Spanned};

pub(crate) const DOC: RuleDoc = RuleDoc {
    summary: "`ALTER TABLE ... DROP COLUMN` on a table that exists before the migration.",
    why: "Dropping a column deletes its data for good, and every query that still names it \
          fails at once — including those of the release running while the migration deploys, \
          and of the release you would roll back to. ORMs that select every mapped column break \
          even if no code reads the value. Stop reading and writing the column in one release, \
          then drop it in a later migration, allowing this rule with the reason.",
    bad: "ALTER TABLE users DROP COLUMN legacy_flags;\n",
    good: "-- dbwarden:allow drop-column no release since 2024.06 reads legacy_flags\n\
           ALTER TABLE users DROP COLUMN legacy_flags;\n",
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
            AlterTableOperation::DropColumn { column_names, .. } => {
                let columns = column_names
                    .iter()
                    .map(|column| format!("`{}`", column.value))
                    .collect::<Vec<_>>()
                    .join(", ");
                Some(
                    Violation::new(
                        format!("DROP COLUMN {columns} deletes its data from `{table}`"),
                        format!(
                            "Dropping a column deletes its data for good, and code still \
                             reading or writing {columns} fails at once — including the release \
                             running during the deploy. Stop using the column in a release \
                             first, then drop it in a later migration and allow this rule with \
                             the reason."
                        ),
                    )
                    .at(column_names.first().map_or_else(|| op.span(), |c| c.span)),
                )
            }
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::rule::Rule;
    use crate::rules::testing::{assert_fires, assert_quiet, findings_of};
    use dbwarden_core::Dialect;

    const RULE: Rule = Rule::DropColumn;

    #[test]
    fn fires_on_every_engine() {
        for dialect in [Dialect::Postgres, Dialect::Mysql, Dialect::Sqlite] {
            assert_fires(
                RULE,
                dialect,
                &[
                    "ALTER TABLE t DROP COLUMN c;",
                    "ALTER TABLE t DROP COLUMN IF EXISTS c;",
                    "CREATE TABLE other (id int);\nALTER TABLE t DROP c;",
                ],
            );
        }
    }

    #[test]
    fn one_finding_per_dropped_column() {
        let found = findings_of(
            RULE,
            Dialect::Postgres,
            "ALTER TABLE t DROP COLUMN a, ADD COLUMN x int, DROP COLUMN b;",
        );
        assert_eq!(found.len(), 2);
        assert_eq!(found[1].column, 60, "points at the second dropped column");
    }

    #[test]
    fn quiet_on_new_tables_and_other_changes() {
        for dialect in [Dialect::Postgres, Dialect::Mysql, Dialect::Sqlite] {
            assert_quiet(
                RULE,
                dialect,
                &[
                    "CREATE TABLE t (c int, d int);\nALTER TABLE t DROP COLUMN c;",
                    "ALTER TABLE t ADD COLUMN c int;",
                    "ALTER TABLE t RENAME COLUMN c TO d;",
                ],
            );
        }
    }
}
