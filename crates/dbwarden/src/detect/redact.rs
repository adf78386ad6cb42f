//! Database URLs found in project files: the dialect they name and a form safe to show.
//!
//! A URL dbwarden can parse is redacted by [`ConnectionUrl::redacted`]. One it cannot parse is
//! still shown in findings, so it is redacted here by a rule that errs on hiding too much: the
//! whole user-info part up to the *last* `@` (a password may contain `/`, `?` or `#`), and the
//! value of every `password`-like parameter.

use dbwarden_core::Dialect;
use dbwarden_engine::ConnectionUrl;

/// A URL seen in a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct FoundUrl {
    /// The dialect its scheme names, if dbwarden knows it.
    pub dialect: Option<Dialect>,
    /// The URL with any password replaced by `***`.
    pub shown: String,
    /// Whether dbwarden can connect with it as written.
    pub usable: bool,
}

impl FoundUrl {
    /// The redacted URL when dbwarden can use it.
    pub fn usable_url(&self) -> Option<String> {
        self.usable.then(|| self.shown.clone())
    }
}

/// Parses and redacts a URL as written in a file.
pub(super) fn inspect_url(raw: &str) -> FoundUrl {
    let raw = raw.trim();
    match ConnectionUrl::parse(raw) {
        Ok(url) => FoundUrl {
            dialect: Some(url.dialect()),
            shown: url.redacted(),
            usable: true,
        },
        Err(_) => FoundUrl {
            dialect: scheme_dialect(raw),
            shown: redact_unparsed(raw),
            usable: false,
        },
    }
}

/// The dialect a URL's scheme names, without parsing the rest.
pub(super) fn scheme_dialect(raw: &str) -> Option<Dialect> {
    let scheme = raw.split_once(':')?.0.to_ascii_lowercase();
    match scheme.as_str() {
        "postgres" | "postgresql" => Some(Dialect::Postgres),
        "mysql" | "mariadb" => Some(Dialect::Mysql),
        "sqlite" | "sqlite3" => Some(Dialect::Sqlite),
        _ => None,
    }
}

/// Hides the password of a URL that did not parse (the engine's redaction, shared).
pub(super) fn redact_unparsed(raw: &str) -> String {
    dbwarden_engine::url::redact_raw(raw)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parsed_urls_are_redacted_by_the_engine() {
        let found = inspect_url("postgres://bob:hunter2@db:5432/app");
        assert_eq!(found.dialect, Some(Dialect::Postgres));
        assert_eq!(found.shown, "postgres://bob:***@db:5432/app");
        assert!(found.usable);
        assert_eq!(
            found.usable_url().as_deref(),
            Some("postgres://bob:***@db:5432/app")
        );
        let sqlite = inspect_url("sqlite:data/app.db");
        assert_eq!(sqlite.dialect, Some(Dialect::Sqlite));
        assert_eq!(sqlite.shown, "sqlite:data/app.db");
    }

    #[test]
    fn unparsed_urls_hide_everything_that_may_be_a_password() {
        for (raw, shown) in [
            ("postgres://u:pa/ss@h/db", "postgres://u:***@h/db"),
            ("postgres://u:pa?ss@h/db", "postgres://u:***@h/db"),
            ("mysql://u:p@ss@h/db", "mysql://u:***@h/db"),
            (
                "postgresql:db?user=me&password=hunter2",
                "postgresql:db?user=me&password=***",
            ),
            (
                "sqlserver://h;user=sa;Password=hunter2;db=x",
                "sqlserver://h;user=sa;Password=***;db=x",
            ),
            (
                "oracle://h/db?auth_token=abc",
                "oracle://h/db?auth_token=***",
            ),
            ("nothing to hide", "nothing to hide"),
        ] {
            assert_eq!(redact_unparsed(raw), shown, "{raw}");
        }
        let found = inspect_url("mysql://u:pa/ss@h/db");
        assert!(!found.usable);
        assert_eq!(found.dialect, Some(Dialect::Mysql));
        assert!(!found.shown.contains("pa/ss"));
        assert_eq!(found.usable_url(), None);
    }

    #[test]
    fn unknown_schemes_name_no_dialect() {
        let found = inspect_url("mongodb://u:secret@h/db");
        assert_eq!(found.dialect, None);
        assert!(!found.shown.contains("secret"));
    }
}
