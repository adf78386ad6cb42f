//! `rename-column`: renaming a column breaks the code still running against the old name.

use super::{RuleDoc, Violation};
use crate::file::StatementContext;
use crate::identifiers::{key, object_text};
use sqlparser::ast::{AlterTableOperation, Ident};

pub(crate) const DOC: RuleDoc = RuleDoc {
    summary: "`ALTER TABLE ... RENAME COLUMN` (and MySQL `CHANGE COLUMN` to a new name).",
    why: "A rename is instant for the database but not for the application: the release running \
          while the migration deploys, and the one you would roll back to, keep using the old \
          name and fail from the moment the migration commits. Rename in steps instead (expand, \
          then contract): add the new column, write to both, backfill, switch reads to the new \
          column, and drop the old one in a later release.",
    bad: "ALTER TABLE users RENAME COLUMN name TO full_name;\n",
    good: "ALTER TABLE users ADD COLUMN full_name text;\n\
           -- the application writes both columns; backfill, switch reads, then drop `name` later\n\
           UPDATE users SET full_name = name WHERE full_name IS NULL AND id BETWEEN 1 AND 10000;\n",
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
            AlterTableOperation::RenameColumn {
                old_column_name,
                new_column_name,
            } => Some(violation(&table, old_column_name, new_column_name)),
            AlterTableOperation::ChangeColumn {
                old_name, new_name, ..
            } if key(old_name) != key(new_name) => Some(violation(&table, old_name, new_name)),
            _ => None,
        })
        .collect()
}

fn violation(table: &str, old: &Ident, new: &Ident) -> Violation {
    Violation::new(
        format!(
            "renaming `{table}`.`{}` to `{}` breaks code that still uses the old name",
            old.value, new.value
        ),
        format!(
            "The release running during the deploy, and the one you would roll back to, still \
             query `{table}`.`{}` and fail from the moment the migration commits. Add `{}` as a \
             new column, write to both, backfill, switch reads, and drop `{}` in a later \
             release.",
            old.value, new.value, old.value
        ),
    )
    .at(old.span)
}

#[cfg(test)]
mod tests {
    use crate::rule::Rule;
    use crate::rules::testing::{assert_fires, assert_quiet};
    use dbwarden_core::Dialect;

    const RULE: Rule = Rule::RenameColumn;

    #[test]
    fn fires_on_every_engine() {
        for dialect in [Dialect::Postgres, Dialect::Mysql, Dialect::Sqlite] {
            assert_fires(
                RULE,
                dialect,
                &[
                    "ALTER TABLE t RENAME COLUMN a TO b;",
                    "ALTER TABLE s.t RENAME COLUMN \"A\" TO a;",
                    "CREATE TABLE other (id int);\nALTER TABLE t RENAME COLUMN a TO b;",
                ],
            );
        }
        assert_fires(
            RULE,
            Dialect::Mysql,
            &["ALTER TABLE t CHANGE COLUMN a b int;"],
        );
    }

    #[test]
    fn quiet_on_new_tables_and_same_name_changes() {
        for dialect in [Dialect::Postgres, Dialect::Mysql, Dialect::Sqlite] {
            assert_quiet(
                RULE,
                dialect,
                &[
                    "CREATE TABLE t (a int);\nALTER TABLE t RENAME COLUMN a TO b;",
                    "ALTER TABLE t ADD COLUMN b int;",
                    "ALTER TABLE t RENAME TO u;",
                ],
            );
        }
        assert_quiet(
            RULE,
            Dialect::Mysql,
            &["ALTER TABLE t CHANGE COLUMN a a bigint;"],
        );
    }
}
