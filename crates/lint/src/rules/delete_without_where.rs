//! `delete-without-where`: a `DELETE` that removes every row.

use super::{RuleDoc, Violation};
use crate::file::StatementContext;
use sqlparser::ast::{self, FromTable, TableFactor};

pub(crate) const DOC: RuleDoc = RuleDoc {
    summary: "`DELETE` without `WHERE`.",
    why: "A DELETE without WHERE removes every row of the table. Usually the WHERE clause was \
          forgotten; even when emptying the table is intended, a DELETE does it row by row in \
          one transaction, holding every row lock until commit and leaving the table bloated \
          until vacuum. Add the WHERE clause; if the table must really be emptied, allow the \
          rule with the reason.",
    bad: "DELETE FROM sessions;\n",
    good: "DELETE FROM sessions WHERE expires_at < now() - interval '30 days';\n",
};

pub(crate) fn check(cx: &StatementContext) -> Vec<Violation> {
    let Some(ast::Statement::Delete(delete)) = cx.ast() else {
        return Vec::new();
    };
    if delete.selection.is_some() {
        return Vec::new();
    }
    let tables = match &delete.from {
        FromTable::WithFromKeyword(tables) | FromTable::WithoutKeyword(tables) => tables,
    };
    let names: Vec<String> = tables
        .iter()
        .filter_map(|table| match &table.relation {
            TableFactor::Table { name, .. } if !cx.is_new_table(name) => Some(format!("`{name}`")),
            _ => None,
        })
        .collect();
    if names.is_empty() {
        return Vec::new();
    }
    let listed = names.join(", ");
    vec![Violation::new(
        format!("DELETE without WHERE deletes every row of {listed}"),
        format!(
            "A DELETE without WHERE removes every row of {listed}, row by row, in one \
             transaction: the data is gone once the migration commits, every row stays locked \
             until then, and the table is left bloated. Add the WHERE clause; if emptying the \
             table is intended, allow this rule with the reason."
        ),
    )]
}

#[cfg(test)]
mod tests {
    use crate::rule::Rule;
    use crate::rules::testing::{assert_fires, assert_quiet};
    use dbwarden_core::Dialect;

    const RULE: Rule = Rule::DeleteWithoutWhere;

    #[test]
    fn fires_on_every_engine() {
        for dialect in [Dialect::Postgres, Dialect::Mysql, Dialect::Sqlite] {
            assert_fires(
                RULE,
                dialect,
                &[
                    "DELETE FROM t;",
                    "DELETE FROM t RETURNING id;",
                    "CREATE TABLE other (id int);\nDELETE FROM t;",
                ],
            );
        }
    }

    #[test]
    fn quiet_with_where_or_on_new_tables() {
        for dialect in [Dialect::Postgres, Dialect::Mysql, Dialect::Sqlite] {
            assert_quiet(
                RULE,
                dialect,
                &[
                    "DELETE FROM t WHERE id = 1;",
                    "DELETE FROM t WHERE created_at < '2020-01-01';",
                    "CREATE TABLE t (id int);\nDELETE FROM t;",
                ],
            );
        }
    }
}
