//! `prefer-jsonb`: `json` stores text and re-parses it on every access.

use super::{RuleDoc, Violation};
use crate::columns::type_hygiene;
use crate::file::StatementContext;
use sqlparser::ast::DataType;

pub(crate) const DOC: RuleDoc = RuleDoc {
    summary: "A `json` column where `jsonb` fits.",
    why: "json stores the input text and re-parses it on every access; it cannot be indexed \
          with GIN, has no equality operator (so no DISTINCT, GROUP BY or UNIQUE), and keeps \
          duplicate keys. jsonb stores a parsed binary form, supports indexing and containment \
          operators, and is what almost every use wants. Keep json only to preserve the exact \
          input text.",
    bad: "CREATE TABLE webhooks (id bigint PRIMARY KEY, payload json NOT NULL);\n",
    good: "CREATE TABLE webhooks (id bigint PRIMARY KEY, payload jsonb NOT NULL);\n",
};

pub(crate) fn check(cx: &StatementContext) -> Vec<Violation> {
    let Some(statement) = cx.ast() else {
        return Vec::new();
    };
    type_hygiene(
        statement,
        |column| matches!(column.data_type, DataType::JSON),
        |_| DataType::JSONB,
        |columns| format!("{columns} stores text re-parsed on every access; use jsonb"),
        "json keeps the input text and re-parses it on every access, cannot be GIN-indexed and \
         has no equality operator. jsonb stores the parsed form and supports indexes and \
         containment queries; keep json only to preserve the exact input text.",
    )
}

#[cfg(test)]
mod tests {
    use crate::rule::Rule;
    use crate::rules::testing::{assert_fires, assert_quiet, only};
    use dbwarden_core::Dialect;

    const RULE: Rule = Rule::PreferJsonb;

    #[test]
    fn fires_on_json() {
        assert_fires(
            RULE,
            Dialect::Postgres,
            &[
                "CREATE TABLE t (j json);",
                "ALTER TABLE t ADD COLUMN j json NOT NULL DEFAULT '{}';",
                "ALTER TABLE t ALTER COLUMN j TYPE json;",
            ],
        );
    }

    #[test]
    fn quiet_on_jsonb() {
        assert_quiet(
            RULE,
            Dialect::Postgres,
            &[
                "CREATE TABLE t (j jsonb);",
                "SELECT '{}'::json;",
                "ALTER TABLE t ADD COLUMN j jsonb;",
            ],
        );
        assert_quiet(RULE, Dialect::Mysql, &["CREATE TABLE t (j json);"]);
    }

    #[test]
    fn fix_uses_jsonb() {
        let finding = only(RULE, Dialect::Postgres, "CREATE TABLE t (j json);");
        assert_eq!(finding.fix.as_deref(), Some("CREATE TABLE t (j JSONB);"));
    }
}
