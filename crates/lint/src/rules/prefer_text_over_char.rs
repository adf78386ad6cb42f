//! `prefer-text-over-char`: `char(n)` pads with spaces and saves nothing.

use super::{RuleDoc, Violation};
use crate::columns::type_hygiene;
use crate::file::StatementContext;
use sqlparser::ast::DataType;

pub(crate) const DOC: RuleDoc = RuleDoc {
    summary: "A `char(n)` / `character(n)` column.",
    why: "char(n) pads every value with spaces to n characters, ignores trailing spaces in \
          comparisons but not in LIKE or in client code, and is no faster than text in \
          PostgreSQL — the manual itself recommends text or varchar. Use text, with a CHECK \
          constraint if the length matters.",
    bad: "CREATE TABLE countries (code char(2) PRIMARY KEY);\n",
    good: "CREATE TABLE countries (code text PRIMARY KEY CHECK (char_length(code) = 2));\n",
};

pub(crate) fn check(cx: &StatementContext) -> Vec<Violation> {
    let Some(statement) = cx.ast() else {
        return Vec::new();
    };
    type_hygiene(
        statement,
        |column| matches!(column.data_type, DataType::Char(_) | DataType::Character(_)),
        |_| DataType::Text,
        |columns| format!("{columns} pads values with spaces; use text"),
        "char(n) pads every value with spaces, compares them inconsistently (trailing spaces \
         count in LIKE and in client code), and is no faster than text in PostgreSQL. Use text, \
         with a CHECK constraint if the length matters.",
    )
}

#[cfg(test)]
mod tests {
    use crate::rule::Rule;
    use crate::rules::testing::{assert_fires, assert_quiet, only};
    use dbwarden_core::Dialect;

    const RULE: Rule = Rule::PreferTextOverChar;

    #[test]
    fn fires_on_char_columns() {
        assert_fires(
            RULE,
            Dialect::Postgres,
            &[
                "CREATE TABLE t (c char(2));",
                "CREATE TABLE t (c character(10) NOT NULL);",
                "ALTER TABLE t ADD COLUMN c char;",
            ],
        );
    }

    #[test]
    fn quiet_on_text_and_varchar() {
        assert_quiet(
            RULE,
            Dialect::Postgres,
            &[
                "CREATE TABLE t (c text);",
                "CREATE TABLE t (c varchar(2));",
                "SELECT 'x'::char(2);",
            ],
        );
    }

    #[test]
    fn fix_uses_text() {
        let finding = only(
            RULE,
            Dialect::Postgres,
            "CREATE TABLE t (c char(2) NOT NULL);",
        );
        assert_eq!(
            finding.fix.as_deref(),
            Some("CREATE TABLE t (c TEXT NOT NULL);")
        );
    }
}
