//! The SQL dialects dbwarden speaks, and the one way each quotes identifiers and literals.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A database family. Closed on purpose: pure logic matches on it, so adding a dialect makes
/// the compiler point at every place that must learn about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Dialect {
    /// PostgreSQL (and wire-compatible engines).
    Postgres,
    /// MySQL and MariaDB.
    Mysql,
    /// SQLite, the embedded default.
    Sqlite,
}

impl Dialect {
    /// The name used in reports and JSON (`postgresql`, `mysql`, `sqlite`).
    pub fn name(self) -> &'static str {
        match self {
            Dialect::Postgres => "postgresql",
            Dialect::Mysql => "mysql",
            Dialect::Sqlite => "sqlite",
        }
    }

    /// Whether DDL takes part in transactions. MySQL/MariaDB commit implicitly before and after
    /// most DDL statements (MySQL manual, "Statements That Cause an Implicit Commit").
    pub fn transactional_ddl(self) -> bool {
        match self {
            Dialect::Postgres | Dialect::Sqlite => true,
            Dialect::Mysql => false,
        }
    }
}

impl fmt::Display for Dialect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Quotes an identifier for `dialect`, doubling any embedded quote character. Every identifier
/// dbwarden writes into SQL goes through here.
pub fn quote_ident(dialect: Dialect, ident: &str) -> String {
    let q = match dialect {
        Dialect::Postgres | Dialect::Sqlite => '"',
        Dialect::Mysql => '`',
    };
    let mut out = String::with_capacity(ident.len() + 2);
    out.push(q);
    for c in ident.chars() {
        if c == q {
            out.push(q);
        }
        out.push(c);
    }
    out.push(q);
    out
}

/// A comma-separated list of quoted identifiers (`"a", "b"`), as key and column lists need.
pub fn quote_ident_list(dialect: Dialect, idents: &[String]) -> String {
    idents
        .iter()
        .map(|i| quote_ident(dialect, i))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Quotes a string literal for `dialect`. Used only where SQL cannot take a bound parameter
/// (DDL such as `COMMENT ON`); values in queries are always bound.
pub fn quote_literal(dialect: Dialect, value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('\'');
    for c in value.chars() {
        match c {
            '\'' => out.push_str("''"),
            // MySQL treats backslash as an escape inside literals unless NO_BACKSLASH_ESCAPES.
            '\\' if dialect == Dialect::Mysql => out.push_str("\\\\"),
            _ => out.push(c),
        }
    }
    out.push('\'');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_double_the_quote_character() {
        assert_eq!(quote_ident(Dialect::Postgres, r#"a"b"#), r#""a""b""#);
        assert_eq!(quote_ident(Dialect::Mysql, "a`b"), "`a``b`");
        assert_eq!(quote_ident(Dialect::Sqlite, "plain"), "\"plain\"");
    }

    #[test]
    fn literals_escape_quotes_and_mysql_backslashes() {
        assert_eq!(quote_literal(Dialect::Postgres, "it's"), "'it''s'");
        assert_eq!(quote_literal(Dialect::Mysql, r"a\b'"), r"'a\\b'''");
        assert_eq!(quote_literal(Dialect::Postgres, r"a\b"), r"'a\b'");
    }
}
