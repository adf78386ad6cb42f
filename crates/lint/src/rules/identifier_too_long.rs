//! `identifier-too-long`: PostgreSQL silently truncates names past 63 bytes; MySQL refuses
//! names past 64 characters.

use super::{RuleDoc, Violation};
use crate::file::StatementContext;
use crate::identifiers::{MYSQL_MAX_IDENTIFIER_CHARS, POSTGRES_MAX_IDENTIFIER_BYTES};
use dbwarden_core::Dialect;
use sqlparser::tokenizer::Token;

pub(crate) const DOC: RuleDoc = RuleDoc {
    summary: "An identifier longer than the engine keeps: 63 bytes on PostgreSQL, 64 characters \
              on MySQL.",
    why: "PostgreSQL truncates longer identifiers to 63 bytes with only a NOTICE, so two long \
          names that share their first 63 bytes become the same name, and tools that compare \
          the name in the migration with the catalog see a difference that never goes away. \
          MySQL refuses names longer than 64 characters, so the migration fails when it runs. \
          Choose a shorter name.",
    bad: "CREATE INDEX orders_customer_id_created_at_status_shipping_country_partial_idx ON orders (customer_id);\n",
    good: "CREATE INDEX orders_customer_created_status_idx ON orders (customer_id);\n",
};

pub(crate) fn check(cx: &StatementContext) -> Vec<Violation> {
    let mut seen: Vec<&str> = Vec::new();
    cx.analyzed()
        .tokens
        .iter()
        .filter_map(|token| {
            let Token::Word(word) = &token.token else {
                return None;
            };
            let name = word.value.as_str();
            let (too_long, measure) = match cx.dialect() {
                Dialect::Postgres => (
                    name.len() > POSTGRES_MAX_IDENTIFIER_BYTES,
                    format!(
                        "is {} bytes; PostgreSQL keeps only the first {POSTGRES_MAX_IDENTIFIER_BYTES}",
                        name.len()
                    ),
                ),
                Dialect::Mysql => (
                    name.chars().count() > MYSQL_MAX_IDENTIFIER_CHARS,
                    format!(
                        "is {} characters; MySQL refuses names longer than {MYSQL_MAX_IDENTIFIER_CHARS}",
                        name.chars().count()
                    ),
                ),
                Dialect::Sqlite => return None,
            };
            if !too_long || seen.contains(&name) {
                return None;
            }
            seen.push(name);
            let why = match cx.dialect() {
                Dialect::Mysql => "MySQL refuses identifiers longer than 64 characters, so the \
                                   migration fails when it runs. Choose a shorter name."
                    .to_string(),
                Dialect::Postgres | Dialect::Sqlite => format!(
                    "PostgreSQL truncates it to `{}` with only a NOTICE: another long name with \
                     the same start becomes the same name, and the name in the migration never \
                     matches the catalog. Choose a shorter name.",
                    truncated(name)
                ),
            };
            Some(Violation::new(format!("identifier `{name}` {measure}"), why).at(token.span))
        })
        .collect()
}

fn truncated(name: &str) -> &str {
    let mut end = POSTGRES_MAX_IDENTIFIER_BYTES.min(name.len());
    while !name.is_char_boundary(end) {
        end -= 1;
    }
    &name[..end]
}

#[cfg(test)]
mod tests {
    use crate::rule::Rule;
    use crate::rules::testing::{assert_fires, assert_quiet, findings_of};
    use dbwarden_core::Dialect;

    const RULE: Rule = Rule::IdentifierTooLong;

    fn long(n: usize) -> String {
        "a".repeat(n)
    }

    #[test]
    fn fires_past_the_limit() {
        let pg = [
            format!("CREATE TABLE {} (id int);", long(64)),
            format!("ALTER TABLE t ADD COLUMN \"{}\" int;", long(70)),
            format!("CREATE INDEX {} ON t (c);", "é".repeat(32)),
        ];
        assert_fires(
            RULE,
            Dialect::Postgres,
            &pg.iter().map(String::as_str).collect::<Vec<_>>(),
        );
        let mysql = [
            format!("CREATE TABLE {} (id int);", long(65)),
            format!("ALTER TABLE t ADD COLUMN `{}` int;", long(65)),
            format!("CREATE INDEX {} ON t (c);", long(100)),
        ];
        assert_fires(
            RULE,
            Dialect::Mysql,
            &mysql.iter().map(String::as_str).collect::<Vec<_>>(),
        );
    }

    #[test]
    fn quiet_at_the_limit() {
        let pg = [
            format!("CREATE TABLE {} (id int);", long(63)),
            format!("SELECT '{}';", long(200)),
            format!("CREATE INDEX {} ON t (c);", "é".repeat(31)),
        ];
        assert_quiet(
            RULE,
            Dialect::Postgres,
            &pg.iter().map(String::as_str).collect::<Vec<_>>(),
        );
        let mysql = [
            format!("CREATE TABLE {} (id int);", long(64)),
            format!("CREATE INDEX {} ON t (c);", "é".repeat(64)),
            "SELECT 1;".to_string(),
        ];
        assert_quiet(
            RULE,
            Dialect::Mysql,
            &mysql.iter().map(String::as_str).collect::<Vec<_>>(),
        );
    }

    #[test]
    fn reports_each_name_once_at_its_position() {
        let name = long(64);
        let found = findings_of(
            RULE,
            Dialect::Postgres,
            &format!("CREATE TABLE t ({name} int, CHECK ({name} > 0));"),
        );
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].column, 17);
        assert!(found[0].why.contains(&format!("`{}`", long(63))));
    }
}
