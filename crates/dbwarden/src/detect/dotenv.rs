//! `.env`: a `DATABASE_URL=…` line (and any variable a Prisma schema reads its URL from), with
//! optional quotes and `export ` prefix, as dotenv loaders accept it. The value is only kept
//! redacted.

use super::redact::inspect_url;
use super::tree::Tree;
use super::{Evidence, FindingKind, Strength};

const DOT_ENV: &str = ".env";

/// The `KEY=value` assignments of a dotenv file, in order.
fn assignments(text: &str) -> Vec<(&str, String)> {
    let mut found = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let line = line.strip_prefix("export ").map_or(line, str::trim_start);
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        found.push((key.trim(), parse_value(value.trim())));
    }
    found
}

/// A dotenv value: `"…"` (with backslash escapes), `'…'` (literal), or bare up to a ` #` comment.
fn parse_value(value: &str) -> String {
    if let Some(rest) = value.strip_prefix('"') {
        let mut out = String::new();
        let mut chars = rest.chars();
        while let Some(c) = chars.next() {
            match c {
                '"' => break,
                '\\' => match chars.next() {
                    Some('n') => out.push('\n'),
                    Some(other) => out.push(other),
                    None => break,
                },
                c => out.push(c),
            }
        }
        return out;
    }
    if let Some(rest) = value.strip_prefix('\'') {
        return rest.split('\'').next().unwrap_or(rest).to_owned();
    }
    let bare = value.find(" #").map_or(value, |i| &value[..i]);
    bare.trim_end().to_owned()
}

/// `${NAME}` or `$NAME` as the whole value: the name.
fn whole_reference(value: &str) -> Option<&str> {
    let name = value
        .strip_prefix("${")
        .and_then(|v| v.strip_suffix('}'))
        .or_else(|| value.strip_prefix('$'))?;
    name.chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_')
        .then_some(name)
}

pub(super) fn detect(tree: &Tree, names: &[String]) -> Vec<Evidence> {
    let Some(text) = tree.read_text(DOT_ENV) else {
        return Vec::new();
    };
    let pairs = assignments(&text);
    let lookup = |key: &str| pairs.iter().find(|(k, _)| *k == key).map(|(_, v)| v);
    let mut found = Vec::new();
    for name in names {
        let Some(value) = lookup(name) else {
            continue;
        };
        let mut value = value.clone();
        let mut via = String::new();
        if let Some(reference) = whole_reference(&value) {
            match lookup(reference) {
                Some(resolved) => {
                    via = format!(" (via {reference})");
                    value = resolved.clone();
                }
                None => {
                    found.push(Evidence::new(
                        FindingKind::DotEnv,
                        DOT_ENV,
                        None,
                        Strength::Declared,
                        format!("{name} in .env refers to {reference}, which .env does not set"),
                    ));
                    continue;
                }
            }
        }
        if value.is_empty() {
            continue;
        }
        let url = inspect_url(&value);
        let reason = match url.dialect {
            Some(_) => format!("{name}={}{via} in .env", url.shown),
            None => format!(
                "{name}={}{via} in .env names no database dbwarden supports",
                url.shown
            ),
        };
        found.push(
            Evidence::new(
                FindingKind::DotEnv,
                DOT_ENV,
                url.dialect,
                Strength::Declared,
                reason,
            )
            .with_url(url.usable_url()),
        );
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::{ProjectDetection, detect_project};
    use dbwarden_core::Dialect;
    use std::fs;

    fn detect_env(text: &str) -> ProjectDetection {
        let dir = tempfile::tempdir().expect("temp dir");
        fs::write(dir.path().join(".env"), text).expect("write");
        detect_project(dir.path())
    }

    #[test]
    fn values_quotes_and_comments() {
        assert_eq!(parse_value("\"a b\" # c"), "a b");
        assert_eq!(parse_value("'x\\y'"), "x\\y");
        assert_eq!(parse_value("bare # comment"), "bare");
        assert_eq!(parse_value("pa#ss"), "pa#ss");
        assert_eq!(parse_value("\"q\\\"q\""), "q\"q");
        assert_eq!(whole_reference("${PG_URL}"), Some("PG_URL"));
        assert_eq!(whole_reference("$PG_URL"), Some("PG_URL"));
        assert_eq!(whole_reference("postgres://${USER}@h/db"), None);
    }

    #[test]
    fn database_url_with_export_and_quotes() {
        let d = detect_env(
            "# local\nexport DATABASE_URL='postgresql://app:Sup3r$ecret@localhost:5432/app?sslmode=disable'\n",
        );
        assert_eq!(d.findings.len(), 1);
        let f = &d.findings[0];
        assert_eq!(f.kind, FindingKind::DotEnv);
        assert_eq!(f.dialect, Some(Dialect::Postgres));
        assert_eq!(
            f.reason,
            "DATABASE_URL=postgresql://app:***@localhost:5432/app?sslmode=disable in .env"
        );
        assert_eq!(
            d.database_url.as_deref(),
            Some("postgresql://app:***@localhost:5432/app?sslmode=disable")
        );
    }

    #[test]
    fn password_never_appears_in_any_output() {
        let secret = "Tr0ub4dor&3";
        let d = detect_env(&format!(
            "DATABASE_URL=mysql://root:{secret}@db:3306/shop\n"
        ));
        assert_eq!(d.dialect, Some(Dialect::Mysql));
        let outputs = [
            format!("{d:?}"),
            format!("{:?}", d.findings),
            serde_json::to_string(&d).unwrap_or_default(),
            serde_json::to_string_pretty(&d).unwrap_or_default(),
            d.summary_lines().join("\n"),
        ];
        for out in outputs {
            assert!(!out.contains("Tr0ub4dor"), "{out}");
            assert!(out.contains("root:***@db"), "{out}");
        }
    }

    #[test]
    fn unparseable_url_is_still_redacted() {
        let d = detect_env("DATABASE_URL=postgres://u:p/ss@@bad host/db\n");
        let json = serde_json::to_string(&d).unwrap_or_default();
        assert!(!json.contains("p/ss"), "{json}");
        assert_eq!(d.database_url, None);
        assert_eq!(d.findings[0].dialect, Some(Dialect::Postgres));
    }

    #[test]
    fn sqlite_and_references() {
        let d = detect_env("SQLITE=sqlite:data/app.db\nDATABASE_URL=${SQLITE}\n");
        assert_eq!(d.dialect, Some(Dialect::Sqlite));
        assert_eq!(
            d.findings[0].reason,
            "DATABASE_URL=sqlite:data/app.db (via SQLITE) in .env"
        );
        let dangling = detect_env("DATABASE_URL=${NOPE}\n");
        assert_eq!(dangling.findings[0].dialect, None);
        assert_eq!(
            dangling.findings[0].reason,
            "DATABASE_URL in .env refers to NOPE, which .env does not set"
        );
    }

    #[test]
    fn other_variables_and_schemes() {
        assert!(
            detect_env("DB_HOST=localhost\nSECRET=x\n")
                .findings
                .is_empty()
        );
        let d = detect_env("DATABASE_URL=mongodb://u:pw@h/db\n");
        assert_eq!(d.findings[0].dialect, None);
        assert_eq!(
            d.findings[0].reason,
            "DATABASE_URL=mongodb://u:***@h/db in .env names no database dbwarden supports"
        );
        assert_eq!(d.dialect, None);
    }
}
