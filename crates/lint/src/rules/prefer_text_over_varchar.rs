//! `prefer-text-over-varchar`: a `varchar(n)` limit is a business rule written as a type.

use super::{RuleDoc, Violation};
use crate::columns::type_hygiene;
use crate::file::StatementContext;
use sqlparser::ast::DataType;

pub(crate) const DOC: RuleDoc = RuleDoc {
    summary: "A `varchar(n)` column where `text` fits.",
    why: "In PostgreSQL varchar(n) is text with a length check; it is no faster or smaller. The \
          limit is usually an arbitrary guess (255) that rejects a real value one day, and \
          changing it takes an ACCESS EXCLUSIVE lock — narrowing it scans the whole table. Use \
          text, and when the length is a real rule, a CHECK (char_length(column) <= n) \
          constraint, which can be replaced with NOT VALID without a long lock.",
    bad: "CREATE TABLE users (id bigint PRIMARY KEY, email varchar(255) NOT NULL);\n",
    good: "CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL CHECK (char_length(email) <= 320));\n",
};

pub(crate) fn check(cx: &StatementContext) -> Vec<Violation> {
    let Some(statement) = cx.ast() else {
        return Vec::new();
    };
    type_hygiene(
        statement,
        |column| {
            matches!(
                column.data_type,
                DataType::Varchar(Some(_))
                    | DataType::CharacterVarying(Some(_))
                    | DataType::CharVarying(Some(_))
            )
        },
        |_| DataType::Text,
        |columns| format!("{columns} has a length limit in its type; use text"),
        "varchar(n) is text with a length check in PostgreSQL, no faster or smaller. The limit is \
         often a guess that rejects a real value one day, and changing it takes an ACCESS \
         EXCLUSIVE lock. Use text, with a CHECK (char_length(column) <= n) constraint when the \
         length is a real rule.",
    )
}

#[cfg(test)]
mod tests {
    use crate::rule::Rule;
    use crate::rules::testing::{assert_fires, assert_quiet, only};
    use dbwarden_core::Dialect;

    const RULE: Rule = Rule::PreferTextOverVarchar;

    #[test]
    fn fires_on_limited_varchar() {
        assert_fires(
            RULE,
            Dialect::Postgres,
            &[
                "CREATE TABLE t (c varchar(255));",
                "CREATE TABLE t (c character varying(20) NOT NULL);",
                "ALTER TABLE t ADD COLUMN c varchar(10);",
            ],
        );
    }

    #[test]
    fn quiet_on_text_and_unlimited_varchar() {
        assert_quiet(
            RULE,
            Dialect::Postgres,
            &[
                "CREATE TABLE t (c text);",
                "CREATE TABLE t (c varchar);",
                "ALTER TABLE t ADD COLUMN c citext;",
            ],
        );
        assert_quiet(RULE, Dialect::Mysql, &["CREATE TABLE t (c varchar(255));"]);
    }

    #[test]
    fn fix_uses_text() {
        let finding = only(
            RULE,
            Dialect::Postgres,
            "ALTER TABLE t ADD COLUMN c varchar(10);",
        );
        assert_eq!(
            finding.fix.as_deref(),
            Some("ALTER TABLE t ADD COLUMN c TEXT;")
        );
    }
}
