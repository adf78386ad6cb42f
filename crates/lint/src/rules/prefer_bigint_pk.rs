//! `prefer-bigint-pk`: 32-bit primary keys run out.

use super::{RuleDoc, Violation};
use crate::columns::{is_custom, type_hygiene};
use crate::file::StatementContext;
use sqlparser::ast::{DataType, ObjectName};

pub(crate) const DOC: RuleDoc = RuleDoc {
    summary: "A primary key of type `int`, `integer`, `smallint` or `serial`.",
    why: "A 32-bit key runs out at 2,147,483,647 (4,294,967,295 unsigned); a busy table gets \
          there, and inserts then fail until the key is widened. Widening later rewrites the \
          table, and every table whose foreign keys reference it, under an exclusive lock. A \
          bigint key costs four more bytes per row.",
    bad: "CREATE TABLE events (id serial PRIMARY KEY, name text);\n",
    good: "CREATE TABLE events (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text);\n",
};

const SMALL_SERIALS: &[&str] = &["serial", "serial4", "smallserial", "serial2"];

pub(crate) fn check(cx: &StatementContext) -> Vec<Violation> {
    let Some(statement) = cx.ast() else {
        return Vec::new();
    };
    type_hygiene(
        statement,
        |column| column.primary_key && wider(column.data_type).is_some(),
        |data_type| wider(data_type).unwrap_or_else(|| data_type.clone()),
        |columns| format!("primary key {columns} is 32-bit or smaller; use bigint"),
        "A 32-bit key runs out at 2,147,483,647 (4,294,967,295 unsigned), and inserts fail from \
         then on. Widening it later rewrites the table, and every table referencing it, under an \
         exclusive lock; bigint costs four more bytes per row.",
    )
}

/// The 64-bit type for a narrower integer key type.
fn wider(data_type: &DataType) -> Option<DataType> {
    match data_type {
        DataType::Int(_)
        | DataType::Integer(_)
        | DataType::Int4(_)
        | DataType::SmallInt(_)
        | DataType::Int2(_)
        | DataType::MediumInt(_)
        | DataType::TinyInt(_) => Some(DataType::BigInt(None)),
        DataType::IntUnsigned(_)
        | DataType::IntegerUnsigned(_)
        | DataType::Int4Unsigned(_)
        | DataType::SmallIntUnsigned(_)
        | DataType::MediumIntUnsigned(_)
        | DataType::TinyIntUnsigned(_) => Some(DataType::BigIntUnsigned(None)),
        _ if is_custom(data_type, SMALL_SERIALS) => Some(DataType::Custom(
            ObjectName::from(vec![sqlparser::ast::Ident::new("bigserial")]),
            Vec::new(),
        )),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use crate::rule::Rule;
    use crate::rules::testing::{assert_fires, assert_quiet, only};
    use dbwarden_core::Dialect;

    const RULE: Rule = Rule::PreferBigintPk;

    #[test]
    fn fires_on_narrow_keys() {
        assert_fires(
            RULE,
            Dialect::Postgres,
            &[
                "CREATE TABLE t (id serial PRIMARY KEY);",
                "CREATE TABLE t (id integer, PRIMARY KEY (id));",
                "CREATE TABLE t (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY);",
            ],
        );
        assert_fires(
            RULE,
            Dialect::Mysql,
            &[
                "CREATE TABLE t (id int AUTO_INCREMENT PRIMARY KEY);",
                "CREATE TABLE t (id INT UNSIGNED NOT NULL AUTO_INCREMENT, PRIMARY KEY (id));",
                "CREATE TABLE t (id mediumint PRIMARY KEY);",
            ],
        );
    }

    #[test]
    fn quiet_on_wide_keys_and_non_key_ints() {
        for dialect in [Dialect::Postgres, Dialect::Mysql] {
            assert_quiet(
                RULE,
                dialect,
                &[
                    "CREATE TABLE t (id bigint PRIMARY KEY, n int);",
                    "CREATE TABLE t (a int, b int, PRIMARY KEY (a, b));",
                    "CREATE TABLE t (id uuid PRIMARY KEY);",
                ],
            );
        }
    }

    #[test]
    fn fix_widens_only_the_key() {
        let finding = only(
            RULE,
            Dialect::Postgres,
            "CREATE TABLE t (id serial PRIMARY KEY, n int);",
        );
        assert_eq!(
            finding.fix.as_deref(),
            Some("CREATE TABLE t (id bigserial PRIMARY KEY, n INT);")
        );
        let mysql = only(
            RULE,
            Dialect::Mysql,
            "CREATE TABLE t (id int unsigned PRIMARY KEY);",
        );
        assert_eq!(
            mysql.fix.as_deref(),
            Some("CREATE TABLE t (id BIGINT UNSIGNED PRIMARY KEY);")
        );
    }
}
