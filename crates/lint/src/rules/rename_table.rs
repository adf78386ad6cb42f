//! `rename-table`: renaming a table breaks the code still running against the old name.

use super::{RuleDoc, Violation, sql};
use crate::file::StatementContext;
use dbwarden_core::Dialect;
use sqlparser::ast::{self, AlterTableOperation, ObjectName, RenameTableNameKind, Spanned};

pub(crate) const DOC: RuleDoc = RuleDoc {
    summary: "`ALTER TABLE ... RENAME TO` and MySQL `RENAME TABLE`.",
    why: "A rename is instant for the database but not for the application: the release running \
          while the migration deploys, and the one you would roll back to, keep querying the \
          old name and fail from the moment the migration commits. On PostgreSQL and MySQL, \
          leave a view with the old name behind: a simple view over one table is updatable, so \
          old code keeps reading and writing through it until it is gone, and a later migration \
          drops the view.",
    bad: "ALTER TABLE customers RENAME TO accounts;\n",
    good: "-- dbwarden:allow rename-table the view keeps the old name working until release 2024.08\n\
           ALTER TABLE customers RENAME TO accounts;\n\
           CREATE VIEW customers AS SELECT * FROM accounts;\n",
};

pub(crate) fn check(cx: &StatementContext) -> Vec<Violation> {
    let Some(statement) = cx.ast() else {
        return Vec::new();
    };
    let renames: Vec<(&ObjectName, ObjectName)> = match statement {
        ast::Statement::AlterTable(alter) if !cx.is_new_table(&alter.name) => alter
            .operations
            .iter()
            .filter_map(|op| match op {
                AlterTableOperation::RenameTable {
                    table_name: RenameTableNameKind::To(new) | RenameTableNameKind::As(new),
                } => Some((&alter.name, in_schema_of(&alter.name, new))),
                _ => None,
            })
            .collect(),
        ast::Statement::RenameTable(renames) => renames
            .iter()
            .filter(|rename| !cx.is_new_table(&rename.old_name))
            .map(|rename| (&rename.old_name, rename.new_name.clone()))
            .collect(),
        _ => Vec::new(),
    };
    renames
        .into_iter()
        .map(|(old, new)| {
            let (advice, fix) = match cx.dialect() {
                Dialect::Postgres | Dialect::Mysql => (
                    "Leave an updatable view with the old name behind, and drop it once no code \
                     uses the old name.",
                    Some(format!(
                        "{}\nCREATE VIEW {old} AS SELECT * FROM {new};",
                        sql(statement)
                    )),
                ),
                Dialect::Sqlite => ("Ship code that no longer uses the old name first.", None),
            };
            Violation {
                fix,
                ..Violation::new(
                    format!(
                        "renaming table `{old}` to `{new}` breaks code that still uses the old name"
                    ),
                    format!(
                        "The release running during the deploy, and the one you would roll back \
                         to, still query `{old}` and fail from the moment the migration commits. \
                         {advice}"
                    ),
                )
                .at(old.span())
            }
        })
        .collect()
}

/// PostgreSQL keeps a renamed table in its schema; the view must name it there too.
fn in_schema_of(old: &ObjectName, new: &ObjectName) -> ObjectName {
    if new.0.len() > 1 || old.0.len() < 2 {
        return new.clone();
    }
    let mut parts = old.0[..old.0.len() - 1].to_vec();
    parts.extend(new.0.iter().cloned());
    ObjectName(parts)
}

#[cfg(test)]
mod tests {
    use crate::rule::Rule;
    use crate::rules::testing::{assert_fires, assert_quiet, only};
    use dbwarden_core::Dialect;

    const RULE: Rule = Rule::RenameTable;

    #[test]
    fn fires_on_every_engine() {
        for dialect in [Dialect::Postgres, Dialect::Mysql, Dialect::Sqlite] {
            assert_fires(
                RULE,
                dialect,
                &[
                    "ALTER TABLE a RENAME TO b;",
                    "ALTER TABLE IF EXISTS a RENAME TO b;",
                    "CREATE TABLE c (id int);\nALTER TABLE a RENAME TO b;",
                ],
            );
        }
        assert_fires(
            RULE,
            Dialect::Mysql,
            &["RENAME TABLE a TO b;", "RENAME TABLE a TO b, c TO d;"],
        );
    }

    #[test]
    fn quiet_on_new_tables_and_column_renames() {
        for dialect in [Dialect::Postgres, Dialect::Mysql, Dialect::Sqlite] {
            assert_quiet(
                RULE,
                dialect,
                &[
                    "CREATE TABLE a (id int);\nALTER TABLE a RENAME TO b;",
                    "ALTER TABLE a RENAME COLUMN x TO y;",
                    "ALTER INDEX a RENAME TO b;",
                ],
            );
        }
    }

    #[test]
    fn fix_leaves_a_view_with_the_old_name() {
        let finding = only(
            RULE,
            Dialect::Postgres,
            "ALTER TABLE app.customers RENAME TO accounts;",
        );
        assert_eq!(
            finding.fix.as_deref(),
            Some(
                "ALTER TABLE app.customers RENAME TO accounts;\n\
                 CREATE VIEW app.customers AS SELECT * FROM app.accounts;"
            )
        );
        assert_eq!(
            only(RULE, Dialect::Sqlite, "ALTER TABLE a RENAME TO b;").fix,
            None
        );
    }
}
