//! `add-foreign-key-without-not-valid`: a new foreign key checks every row under a lock that
//! blocks writes to both tables.

use super::{RuleDoc, Violation, sql};
use crate::file::StatementContext;
use crate::identifiers::{invent, object_text};
use sqlparser::ast::{AlterTable, AlterTableOperation, Spanned, TableConstraint};

pub(crate) const DOC: RuleDoc = RuleDoc {
    summary: "`ADD FOREIGN KEY` on an existing table without `NOT VALID`.",
    why: "Adding a foreign key checks every existing row against the referenced table while \
          holding a SHARE ROW EXCLUSIVE lock on both tables: every write to either waits for \
          the whole scan. Added NOT VALID, the constraint is instant and checks new rows from \
          then on; VALIDATE CONSTRAINT then checks the old rows under a SHARE UPDATE EXCLUSIVE \
          lock, which lets reads and writes continue.",
    bad: "ALTER TABLE orders ADD CONSTRAINT orders_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES customers (id);\n",
    good: "ALTER TABLE orders ADD CONSTRAINT orders_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID;\n\
           ALTER TABLE orders VALIDATE CONSTRAINT orders_customer_id_fkey;\n",
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
                constraint: TableConstraint::ForeignKey(foreign_key),
                not_valid: false,
            } = op
            else {
                return None;
            };
            let referenced = object_text(&foreign_key.foreign_table);
            let mut named = foreign_key.clone();
            let columns: Vec<&str> = foreign_key.columns.iter().map(|c| c.value.as_str()).collect();
            let name = named
                .name
                .get_or_insert_with(|| invent(cx.dialect(), &[&[table.as_str()], &columns[..]].concat(), "fkey"))
                .clone();
            let not_valid = AlterTable {
                operations: vec![AlterTableOperation::AddConstraint {
                    constraint: TableConstraint::ForeignKey(named),
                    not_valid: true,
                }],
                ..alter.clone()
            };
            Some(
                Violation::new(
                    format!(
                        "foreign key on `{table}` checks every row while blocking writes to `{table}` and `{referenced}`"
                    ),
                    format!(
                        "Adding the foreign key checks every existing row of `{table}` against \
                         `{referenced}` while holding a SHARE ROW EXCLUSIVE lock on both tables, \
                         so writes to either wait for the whole scan. NOT VALID adds it \
                         instantly; VALIDATE CONSTRAINT then checks the old rows while reads and \
                         writes continue."
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

    const RULE: Rule = Rule::AddForeignKeyWithoutNotValid;

    #[test]
    fn fires_on_validated_foreign_keys() {
        assert_fires(
            RULE,
            Dialect::Postgres,
            &[
                "ALTER TABLE t ADD CONSTRAINT f FOREIGN KEY (a) REFERENCES u (id);",
                "ALTER TABLE t ADD FOREIGN KEY (a) REFERENCES u (id) ON DELETE CASCADE;",
                "CREATE TABLE u (id int);\nALTER TABLE t ADD FOREIGN KEY (a) REFERENCES u (id);",
            ],
        );
    }

    #[test]
    fn quiet_with_not_valid_or_on_new_tables() {
        assert_quiet(
            RULE,
            Dialect::Postgres,
            &[
                "ALTER TABLE t ADD CONSTRAINT f FOREIGN KEY (a) REFERENCES u (id) NOT VALID;",
                "CREATE TABLE t (a int);\nALTER TABLE t ADD FOREIGN KEY (a) REFERENCES u (id);",
                "ALTER TABLE t VALIDATE CONSTRAINT f;",
            ],
        );
    }

    #[test]
    fn fix_names_the_constraint_and_validates_it() {
        let finding = only(
            RULE,
            Dialect::Postgres,
            "ALTER TABLE orders ADD FOREIGN KEY (customer_id) REFERENCES customers (id);",
        );
        assert_eq!(
            finding.fix.as_deref(),
            Some(
                "ALTER TABLE orders ADD CONSTRAINT orders_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES customers(id) NOT VALID;\n\
                 ALTER TABLE orders VALIDATE CONSTRAINT orders_customer_id_fkey;"
            )
        );
    }
}
