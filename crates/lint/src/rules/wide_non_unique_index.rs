//! `wide-non-unique-index`: a non-unique index on more than three columns.

use super::{RuleDoc, Violation};
use crate::file::StatementContext;
use crate::identifiers::object_text;
use sqlparser::ast::{self, AlterTableOperation, Spanned, TableConstraint};

pub(crate) const DOC: RuleDoc = RuleDoc {
    summary: "A non-unique index on more than three columns.",
    why: "Every column makes the index larger and every write to the table slower, and a \
          B-tree index only helps queries that filter on its leading columns. A non-unique index \
          on four or more columns usually serves one query that a narrower index serves almost \
          as well; on PostgreSQL, columns needed only to avoid reading the table can go in \
          INCLUDE instead.",
    bad: "CREATE INDEX orders_lookup_idx ON orders (customer_id, status, created_at, region);\n",
    good: "CREATE INDEX orders_lookup_idx ON orders (customer_id, status) INCLUDE (created_at, region);\n",
};

const MAX_COLUMNS: usize = 3;

pub(crate) fn check(cx: &StatementContext) -> Vec<Violation> {
    let (table, count, span) = match cx.ast() {
        Some(ast::Statement::CreateIndex(create))
            if !create.unique && create.columns.len() > MAX_COLUMNS =>
        {
            (object_text(&create.table_name), create.columns.len(), None)
        }
        Some(ast::Statement::AlterTable(alter)) => {
            let Some((count, span)) = alter.operations.iter().find_map(|op| match op {
                AlterTableOperation::AddConstraint {
                    constraint: TableConstraint::Index(index),
                    ..
                } if index.columns.len() > MAX_COLUMNS => Some((index.columns.len(), op.span())),
                _ => None,
            }) else {
                return Vec::new();
            };
            (object_text(&alter.name), count, Some(span))
        }
        _ => return Vec::new(),
    };
    let violation = Violation::new(
        format!("non-unique index on {count} columns of `{table}`"),
        format!(
            "Every column makes the index larger and every write to `{table}` slower, and the \
             index only helps queries filtering on its leading columns. {count} columns usually \
             serve one query that a narrower index serves almost as well; on PostgreSQL, move \
             columns only needed for index-only scans into INCLUDE."
        ),
    );
    vec![match span {
        Some(span) => violation.at(span),
        None => violation,
    }]
}

#[cfg(test)]
mod tests {
    use crate::rule::Rule;
    use crate::rules::testing::{assert_fires, assert_quiet};
    use dbwarden_core::Dialect;

    const RULE: Rule = Rule::WideNonUniqueIndex;

    #[test]
    fn fires_on_wide_indexes() {
        for dialect in [Dialect::Postgres, Dialect::Mysql, Dialect::Sqlite] {
            assert_fires(
                RULE,
                dialect,
                &[
                    "CREATE INDEX i ON t (a, b, c, d);",
                    "CREATE INDEX i ON t (a, b, c, d, e);",
                    "CREATE TABLE x (id int);\nCREATE INDEX i ON t (a, b, c, lower(d));",
                ],
            );
        }
        assert_fires(
            RULE,
            Dialect::Mysql,
            &["ALTER TABLE t ADD INDEX i (a, b, c, d);"],
        );
    }

    #[test]
    fn quiet_on_narrow_or_unique_indexes() {
        for dialect in [Dialect::Postgres, Dialect::Mysql, Dialect::Sqlite] {
            assert_quiet(
                RULE,
                dialect,
                &[
                    "CREATE INDEX i ON t (a, b, c);",
                    "CREATE UNIQUE INDEX i ON t (a, b, c, d);",
                    "CREATE INDEX i ON t (a);",
                ],
            );
        }
    }
}
