//! knex: the knexfile's `client` (and a literal `connection` URL), and its migrations folder of
//! JavaScript or TypeScript files, by default `migrations/` and recorded in `knex_migrations`
//! (both overridable in the knexfile's `migrations: { directory, tableName }`).

use dbwarden_core::Dialect;
use std::path::{Path, PathBuf};

use super::config_text::{Literal, string_values};
use super::redact::inspect_url;
use super::tree::{MARKER_LIMIT, Tree, relative_inside};
use super::{Evidence, FindingKind, MigrationFolder, Strength, counted};

const KNEXFILES: [&str; 4] = ["knexfile.js", "knexfile.ts", "knexfile.cjs", "knexfile.mjs"];

/// Where knex migrations usually live when the knexfile does not say.
const DEFAULT_FOLDERS: [&str; 2] = ["migrations", "db/migrations"];

/// What a knexfile says, as far as literals go.
#[derive(Debug, Default)]
struct KnexConfig {
    clients: Vec<Literal>,
    production: Option<usize>,
    connection: Option<String>,
    directory: Option<String>,
    table_name: Option<String>,
}

impl KnexConfig {
    fn parse(text: &str) -> Self {
        let migrations = object_after_key(text, "migrations").unwrap_or("");
        KnexConfig {
            clients: string_values(text, "client"),
            production: key_offset(text, "production"),
            connection: string_values(text, "connection")
                .into_iter()
                .map(|l| l.value)
                .find(|v| v.contains(':')),
            directory: string_values(migrations, "directory")
                .into_iter()
                .next()
                .map(|l| l.value),
            table_name: string_values(migrations, "tableName")
                .into_iter()
                .next()
                .map(|l| l.value),
        }
    }
}

fn client_dialect(client: &str) -> Option<Dialect> {
    match client {
        "pg" | "postgres" | "postgresql" | "pg-native" => Some(Dialect::Postgres),
        "mysql" | "mysql2" => Some(Dialect::Mysql),
        "sqlite3" | "better-sqlite3" => Some(Dialect::Sqlite),
        _ => None,
    }
}

pub(super) fn detect(tree: &Tree) -> Vec<Evidence> {
    let mut found = Vec::new();
    let knexfile = KNEXFILES
        .iter()
        .find_map(|name| tree.read_text(name).map(|text| (*name, text)));
    let config = knexfile
        .as_ref()
        .map(|(_, text)| KnexConfig::parse(text))
        .unwrap_or_default();
    if let Some((name, _)) = &knexfile {
        found.push(knexfile_evidence(name, &config));
    }
    let configured = config.directory.as_deref().and_then(relative_inside);
    let folders: Vec<PathBuf> = match configured {
        Some(folder) => vec![folder],
        None => DEFAULT_FOLDERS.iter().map(PathBuf::from).collect(),
    };
    let knexfile_name = knexfile.as_ref().map(|(name, _)| *name);
    for folder in folders {
        if let Some(evidence) = migrations_folder(tree, &folder, knexfile_name, &config) {
            found.push(evidence);
        }
    }
    found
}

fn knexfile_evidence(name: &str, config: &KnexConfig) -> Evidence {
    let mut dialects: Vec<Dialect> = config
        .clients
        .iter()
        .filter_map(|c| client_dialect(&c.value))
        .collect();
    dialects.dedup();
    let quoted: Vec<String> = config
        .clients
        .iter()
        .map(|c| format!("'{}'", c.value))
        .collect();
    let (dialect, mut reason) = match (config.clients.first(), dialects.as_slice()) {
        (None, _) => (None, format!("{name} has no literal client")),
        (Some(c), []) => (
            None,
            format!(
                "client: '{}' in {name}, a database dbwarden does not support",
                c.value
            ),
        ),
        (Some(c), [d]) if config.clients.len() == 1 => {
            (Some(*d), format!("client: '{}' in {name}", c.value))
        }
        (Some(_), [d]) => (Some(*d), format!("clients {} in {name}", quoted.join(", "))),
        (Some(_), _) => {
            let production = config.production.and_then(|at| {
                config
                    .clients
                    .iter()
                    .find(|c| c.offset > at)
                    .filter(|c| client_dialect(&c.value).is_some())
            });
            match production {
                Some(c) => (
                    client_dialect(&c.value),
                    format!(
                        "clients {} in {name} differ by environment; production uses '{}'",
                        quoted.join(", "),
                        c.value
                    ),
                ),
                None => (
                    None,
                    format!(
                        "clients {} in {name} differ by environment",
                        quoted.join(", ")
                    ),
                ),
            }
        }
    };
    let mut url = None;
    if let Some(raw) = &config.connection {
        let found = inspect_url(raw);
        reason.push_str(&format!("; connection '{}'", found.shown));
        if found.dialect.is_some() && found.dialect == dialect {
            url = found.usable_url();
        }
    }
    Evidence::new(FindingKind::Knex, name, dialect, Strength::Declared, reason).with_url(url)
}

fn migrations_folder(
    tree: &Tree,
    folder: &Path,
    knexfile: Option<&str>,
    config: &KnexConfig,
) -> Option<Evidence> {
    let listing = tree.list(folder)?;
    let files: Vec<&String> = listing
        .files
        .iter()
        .filter(|name| {
            [".js", ".ts", ".cjs", ".mjs"]
                .iter()
                .any(|ext| name.ends_with(ext))
                && !name.ends_with(".d.ts")
        })
        .collect();
    if files.is_empty() {
        return None;
    }
    let why = match knexfile {
        Some(name) => format!("{name} configures knex"),
        None => {
            let calls_knex = files.iter().find(|name| {
                tree.read_text_limited(folder.join(name), MARKER_LIMIT)
                    .is_some_and(|text| text.contains("knex"))
            })?;
            format!("{calls_knex} uses knex")
        }
    };
    let reason = format!(
        "{} in {}; {why}",
        counted(files.len(), "JavaScript/TypeScript migration"),
        folder.display()
    );
    let table = config
        .table_name
        .clone()
        .unwrap_or_else(|| "knex_migrations".to_owned());
    Some(
        Evidence::new(FindingKind::Knex, folder, None, Strength::Guess, reason).with_migrations(
            MigrationFolder {
                tool: "knex".to_owned(),
                path: folder.to_path_buf(),
                count: files.len(),
                // knex runs and records migrations by file name, in name order.
                latest_version: files.last().map(|name| (*name).clone()),
                history_table: table,
            },
        ),
    )
}

/// Where `key` first appears as an object key (`key:` or `'key':`).
fn key_offset(text: &str, key: &str) -> Option<usize> {
    key_value_starts(text, key).next().map(|(offset, _)| offset)
}

/// For each `key:` (optionally quoted key), the key's offset and the index after the `:`.
fn key_value_starts<'a>(text: &'a str, key: &'a str) -> impl Iterator<Item = (usize, usize)> + 'a {
    let bytes = text.as_bytes();
    text.match_indices(key).filter_map(move |(offset, _)| {
        let before = offset.checked_sub(1).and_then(|i| bytes.get(i));
        let mut start = offset;
        let mut i = offset + key.len();
        if let Some(q @ (b'\'' | b'"')) = before {
            if bytes.get(i) != Some(q) {
                return None;
            }
            start -= 1;
            i += 1;
        }
        let word_byte = |b: &u8| b.is_ascii_alphanumeric() || *b == b'_' || *b == b'$';
        if start
            .checked_sub(1)
            .and_then(|j| bytes.get(j))
            .is_some_and(word_byte)
            || bytes.get(offset + key.len()).is_some_and(word_byte)
        {
            return None;
        }
        while bytes.get(i).is_some_and(|b| b.is_ascii_whitespace()) {
            i += 1;
        }
        (bytes.get(i) == Some(&b':')).then_some((offset, i + 1))
    })
}

/// The text of the `{ … }` object assigned to the first `key:` that has one.
fn object_after_key<'a>(text: &'a str, key: &'a str) -> Option<&'a str> {
    let bytes = text.as_bytes();
    key_value_starts(text, key).find_map(|(_, mut i)| {
        while bytes.get(i).is_some_and(|b| b.is_ascii_whitespace()) {
            i += 1;
        }
        if bytes.get(i) != Some(&b'{') {
            return None;
        }
        let mut depth = 0usize;
        for (j, b) in bytes.iter().enumerate().skip(i) {
            match b {
                b'{' => depth += 1,
                b'}' => {
                    depth -= 1;
                    if depth == 0 {
                        return text.get(i..=j);
                    }
                }
                _ => {}
            }
        }
        text.get(i..)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::detect::fixture::detect;

    #[test]
    fn knexfile_client_names_the_dialect() {
        for (client, dialect) in [
            ("pg", Some(Dialect::Postgres)),
            ("postgresql", Some(Dialect::Postgres)),
            ("mysql2", Some(Dialect::Mysql)),
            ("better-sqlite3", Some(Dialect::Sqlite)),
            ("mssql", None),
        ] {
            let d = detect(&[(
                "knexfile.ts",
                &format!(
                    "export default {{ client: '{client}', connection: process.env.DATABASE_URL }};"
                ),
            )]);
            assert_eq!(d.findings.len(), 1);
            assert_eq!(d.findings[0].kind, FindingKind::Knex);
            assert_eq!(d.findings[0].dialect, dialect, "{client}");
        }
    }

    #[test]
    fn production_client_wins_when_environments_differ() {
        let d = detect(&[(
            "knexfile.js",
            "module.exports = {\n  development: { client: 'sqlite3', connection: { filename: './dev.sqlite3' } },\n  production: { client: 'pg', connection: 'postgres://app:pr0d@db/app' },\n};\n",
        )]);
        let f = &d.findings[0];
        assert_eq!(f.dialect, Some(Dialect::Postgres));
        assert_eq!(
            f.reason,
            "clients 'sqlite3', 'pg' in knexfile.js differ by environment; production uses 'pg'; connection 'postgres://app:***@db/app'"
        );
        assert_eq!(d.database_url.as_deref(), Some("postgres://app:***@db/app"));
    }

    #[test]
    fn migrations_folder_with_configured_directory_and_table() {
        let d = detect(&[
            (
                "knexfile.js",
                "module.exports = { client: 'mysql2', migrations: { directory: './db/knex', tableName: 'app_migrations' }, seeds: { directory: './seeds' } };",
            ),
            (
                "db/knex/20240101120000_create_users.js",
                "exports.up = knex => knex.schema.createTable('users', t => t.increments());",
            ),
            (
                "db/knex/20240202120000_add_email.js",
                "exports.up = knex => knex;",
            ),
            ("db/knex/types.d.ts", "declare const x: number;"),
        ]);
        assert_eq!(d.findings.len(), 2);
        let f = &d.findings[0];
        assert_eq!(f.path, Path::new("db/knex"));
        assert_eq!(
            f.migrations,
            Some(MigrationFolder {
                tool: "knex".into(),
                path: "db/knex".into(),
                count: 2,
                latest_version: Some("20240202120000_add_email.js".into()),
                history_table: "app_migrations".into(),
            })
        );
        assert_eq!(d.dialect, Some(Dialect::Mysql));
    }

    #[test]
    fn migrations_without_knexfile_need_to_mention_knex() {
        let d = detect(&[(
            "migrations/20240101_init.js",
            "exports.up = function (knex) { return knex.schema; };",
        )]);
        assert_eq!(d.findings.len(), 1);
        assert_eq!(
            d.findings[0].reason,
            "1 JavaScript/TypeScript migration in migrations; 20240101_init.js uses knex"
        );
        let other = detect(&[(
            "migrations/20240101-init.js",
            "module.exports = { up: (queryInterface) => {} };",
        )]);
        assert!(other.findings.is_empty());
    }

    #[test]
    fn object_after_key_takes_the_balanced_block() {
        let text = "{ migrations: { a: { b: 1 } }, x: 2 }";
        assert_eq!(
            object_after_key(text, "migrations"),
            Some("{ a: { b: 1 } }")
        );
        assert_eq!(object_after_key("{ mymigrations: {} }", "migrations"), None);
    }
}
