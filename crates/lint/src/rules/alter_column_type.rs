//! `alter-column-type`: most type changes rewrite the table under an exclusive lock.

use super::{RuleDoc, Violation};
use crate::file::StatementContext;
use crate::identifiers::{invent, object_text};
use sqlparser::ast::{AlterColumnOperation, AlterTableOperation, DataType};

pub(crate) const DOC: RuleDoc = RuleDoc {
    summary: "`ALTER COLUMN ... TYPE` that rewrites the table (anything but widening `varchar`, \
              `varchar` to `text`, or unconstrained `numeric`).",
    why: "Changing a column's type makes PostgreSQL rewrite the whole table and rebuild its \
          indexes under an ACCESS EXCLUSIVE lock: no reads or writes until every row is copied, \
          which on a large table takes minutes to hours. Only binary-compatible changes skip \
          the rewrite: widening or removing a varchar limit, varchar to text, raising or \
          removing a numeric precision. A USING clause always rewrites. The safe path is a new \
          column: add it, backfill it in batches, switch the code over, then drop the old one.",
    bad: "ALTER TABLE events ALTER COLUMN id TYPE bigint;\n",
    good: "ALTER TABLE events ALTER COLUMN title TYPE text;\n",
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
                op: AlterColumnOperation::SetDataType {
                    data_type, using, ..
                },
            } if using.is_some() || !maybe_binary_compatible(data_type) => {
                let column = column_name;
                let new_column = invent(cx.dialect(), &[&column.value], "new");
                let old_column = invent(cx.dialect(), &[&column.value], "old");
                let value = match using {
                    Some(expr) => expr.to_string(),
                    None => format!("{column}::{data_type}"),
                };
                let name = &alter.name;
                Some(
                    Violation::new(
                        format!(
                            "changing `{table}`.`{}` to {data_type} rewrites the table under an exclusive lock",
                            column.value
                        ),
                        format!(
                            "Changing the type to {data_type} makes PostgreSQL rewrite `{table}` \
                             and rebuild its indexes under an ACCESS EXCLUSIVE lock: no reads or \
                             writes until every row is copied. Add a new column, backfill it in \
                             batches, switch the code over, then swap the names."
                        ),
                    )
                    .fix(format!(
                        "ALTER TABLE {name} ADD COLUMN {new_column} {data_type};\n\
                         -- backfill in batches, from a migration marked -- dbwarden:no-transaction:\n\
                         UPDATE {name} SET {new_column} = {value} WHERE {new_column} IS NULL AND <key range>;\n\
                         -- once the application writes both columns and reads {new_column}:\n\
                         ALTER TABLE {name} RENAME COLUMN {column} TO {old_column};\n\
                         ALTER TABLE {name} RENAME COLUMN {new_column} TO {column};"
                    ))
                    .at(column.span),
                )
            }
            _ => None,
        })
        .collect()
}

/// Whether a change to `target` can skip the rewrite, depending on the old type: PostgreSQL
/// only keeps the rows when the old type is binary compatible (varchar widening, varchar to
/// text, numeric precision raised). The old type is not in the migration, so these targets get
/// the benefit of the doubt.
pub(crate) fn maybe_binary_compatible(target: &DataType) -> bool {
    matches!(
        target,
        DataType::Text
            | DataType::Varchar(_)
            | DataType::CharacterVarying(_)
            | DataType::CharVarying(_)
            | DataType::Numeric(_)
            | DataType::Decimal(_)
    ) || crate::columns::is_custom(target, &["citext"])
}

#[cfg(test)]
mod tests {
    use crate::rule::Rule;
    use crate::rules::testing::{assert_fires, assert_quiet, only};
    use dbwarden_core::Dialect;

    const RULE: Rule = Rule::AlterColumnType;

    #[test]
    fn fires_on_rewriting_changes() {
        assert_fires(
            RULE,
            Dialect::Postgres,
            &[
                "ALTER TABLE t ALTER COLUMN c TYPE bigint;",
                "ALTER TABLE t ALTER COLUMN c SET DATA TYPE timestamptz;",
                "ALTER TABLE t ALTER COLUMN c TYPE varchar(10) USING trim(c);",
                "ALTER TABLE t ALTER COLUMN c TYPE uuid USING c::uuid;",
            ],
        );
    }

    #[test]
    fn quiet_on_binary_compatible_targets_and_new_tables() {
        assert_quiet(
            RULE,
            Dialect::Postgres,
            &[
                "ALTER TABLE t ALTER COLUMN c TYPE text;",
                "ALTER TABLE t ALTER COLUMN c TYPE varchar(500);",
                "ALTER TABLE t ALTER COLUMN c TYPE numeric;",
                "CREATE TABLE t (c int);\nALTER TABLE t ALTER COLUMN c TYPE bigint;",
            ],
        );
    }

    #[test]
    fn fix_goes_through_a_new_column() {
        let finding = only(
            RULE,
            Dialect::Postgres,
            "ALTER TABLE events ALTER COLUMN id TYPE bigint;",
        );
        let fix = finding.fix.expect("a fix");
        assert!(
            fix.starts_with("ALTER TABLE events ADD COLUMN id_new BIGINT;\n"),
            "{fix}"
        );
        assert!(fix.contains("UPDATE events SET id_new = id::BIGINT WHERE id_new IS NULL"));
        assert!(fix.ends_with("ALTER TABLE events RENAME COLUMN id_new TO id;"));
    }
}
