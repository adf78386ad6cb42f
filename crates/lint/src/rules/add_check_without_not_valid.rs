//! `add-check-without-not-valid`: a new check constraint scans every row under an exclusive lock.

use super::{RuleDoc, Violation, sql};
use crate::file::StatementContext;
use crate::identifiers::{invent, object_text};
use sqlparser::ast::{AlterTable, AlterTableOperation, Spanned, TableConstraint};

pub(crate) const DOC: RuleDoc = RuleDoc {
    summary: "`ADD CHECK` on an existing table without `NOT VALID`.",
    why: "Adding a CHECK constraint scans every existing row while holding an ACCESS EXCLUSIVE \
          lock on the table: no reads or writes until the scan ends. Added NOT VALID, the \
          constraint is instant and checks new rows from then on; VALIDATE CONSTRAINT then \
          checks the old rows under a SHARE UPDATE EXCLUSIVE lock, which lets reads and writes \
          continue.",
    bad: "ALTER TABLE orders ADD CONSTRAINT orders_total_positive CHECK (total >= 0);\n",
    good: "ALTER TABLE orders ADD CONSTRAINT orders_total_positive CHECK (total >= 0) NOT VALID;\n\
           ALTER TABLE orders VALIDATE CONSTRAINT orders_total_positive;\n",
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
                constraint: TableConstraint::Check(check),
                not_valid: false,
            } = op
            else {
                return None;
            };
            let mut named = check.clone();
            let name = named
                .name
                .get_or_insert_with(|| invent(cx.dialect(), &[&table], "check"))
                .clone();
            let not_valid = AlterTable {
                operations: vec![AlterTableOperation::AddConstraint {
                    constraint: TableConstraint::Check(named),
                    not_valid: true,
                }],
                ..alter.clone()
            };
            Some(
                Violation::new(
                    format!(
                        "CHECK constraint on `{table}` scans every row under an exclusive lock"
                    ),
                    format!(
                        "Adding CHECK ({}) scans every existing row of `{table}` while holding an \
                         ACCESS EXCLUSIVE lock: no reads or writes until the scan ends. NOT VALID \
                         adds it instantly; VALIDATE CONSTRAINT then checks the old rows while \
                         reads and writes continue.",
                        check.expr
                    ),
                )
                .fix(format!(
                    "{}\nALTER TABLE {} VALIDATE CONSTRAINT {name};",
                    sql(sqlparser::ast::Statement::AlterTable(not_valid)),
                    alter.name
                ))
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

    const RULE: Rule = Rule::AddCheckWithoutNotValid;

    #[test]
    fn fires_on_validated_checks() {
        assert_fires(
            RULE,
            Dialect::Postgres,
            &[
                "ALTER TABLE t ADD CONSTRAINT k CHECK (a > 0);",
                "ALTER TABLE t ADD CHECK (a IS NOT NULL);",
                "ALTER TABLE t ADD COLUMN b int, ADD CONSTRAINT k CHECK (a <> b);",
            ],
        );
    }

    #[test]
    fn quiet_with_not_valid_or_on_new_tables() {
        assert_quiet(
            RULE,
            Dialect::Postgres,
            &[
                "ALTER TABLE t ADD CONSTRAINT k CHECK (a > 0) NOT VALID;",
                "CREATE TABLE t (a int);\nALTER TABLE t ADD CHECK (a > 0);",
                "ALTER TABLE t VALIDATE CONSTRAINT k;",
            ],
        );
    }

    #[test]
    fn fix_adds_not_valid_then_validates() {
        let finding = only(RULE, Dialect::Postgres, "ALTER TABLE t ADD CHECK (a > 0);");
        assert_eq!(
            finding.fix.as_deref(),
            Some(
                "ALTER TABLE t ADD CONSTRAINT t_check CHECK (a > 0) NOT VALID;\nALTER TABLE t VALIDATE CONSTRAINT t_check;"
            )
        );
    }
}
