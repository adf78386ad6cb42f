//! Flyway: `flyway.conf` / `flyway.toml` (the JDBC `url`, `locations`, `table`) and folders of
//! `V<version>__<description>.sql` (versioned), `U<version>__…` (undo) and `R__…` (repeatable)
//! scripts. Flyway records applied scripts in `flyway_schema_history` unless `table` says
//! otherwise, and searches its locations recursively.

use dbwarden_core::Dialect;
use std::cmp::Ordering;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use super::config_text::string_literal_at;
use super::redact::inspect_url;
use super::sql_migrations::version_cmp;
use super::tree::{Tree, is_ignored_dir, relative_inside};
use super::{Evidence, FindingKind, MigrationFolder, Strength, counted};

const CONFIG_FILES: [&str; 4] = [
    "flyway.conf",
    "flyway.toml",
    "conf/flyway.conf",
    "conf/flyway.toml",
];

/// Flyway's own defaults (`filesystem:sql` for the command line, `classpath:db/migration` for
/// Java projects) and the folders projects commonly mount into the Flyway container.
const DEFAULT_LOCATIONS: [&str; 5] = [
    "sql",
    "db/migration",
    "src/main/resources/db/migration",
    "migrations",
    "db/migrations",
];

/// How deep below a location Flyway scripts are looked for.
const MAX_DEPTH: usize = 3;

/// The settings of a Flyway configuration file that detection uses.
#[derive(Debug, Default, PartialEq, Eq)]
struct FlywayConfig {
    url: Option<String>,
    locations: Vec<String>,
    table: Option<String>,
}

impl FlywayConfig {
    /// Reads `flyway.url=…` (`.conf`) and `url = "…"` (`.toml`) style lines alike.
    fn parse(text: &str) -> Self {
        let mut config = FlywayConfig::default();
        for line in text.lines() {
            let line = line.trim();
            if line.starts_with('#') || line.starts_with('!') || line.starts_with('[') {
                continue;
            }
            let Some((key, value)) = line.split_once('=') else {
                continue;
            };
            let key = key.trim().trim_matches('"');
            let key = key.rsplit('.').next().unwrap_or(key);
            let values = parse_values(value.trim());
            match key {
                "url" if config.url.is_none() => config.url = values.into_iter().next(),
                "locations" if config.locations.is_empty() => config.locations = values,
                "table" if config.table.is_none() => config.table = values.into_iter().next(),
                _ => {}
            }
        }
        config
    }
}

/// A TOML string or array of strings, or a `.conf` comma-separated list.
fn parse_values(value: &str) -> Vec<String> {
    if let Some(literal) = string_literal_at(value, 0) {
        return vec![literal];
    }
    let inner = value
        .strip_prefix('[')
        .map(|v| v.trim_end_matches(|c: char| c == ']' || c.is_whitespace()))
        .unwrap_or(value);
    inner
        .split(',')
        .map(|part| {
            let part = part.trim();
            string_literal_at(part, 0).unwrap_or_else(|| part.to_owned())
        })
        .filter(|part| !part.is_empty())
        .collect()
}

/// The project folder a Flyway location names, if it is one inside the project.
fn location_folder(location: &str) -> Option<PathBuf> {
    if let Some(path) = location.strip_prefix("filesystem:") {
        return relative_inside(path);
    }
    let path = location.strip_prefix("classpath:").unwrap_or(location);
    if path.contains(':') {
        return None;
    }
    relative_inside(path).map(|p| Path::new("src/main/resources").join(p))
}

/// The dialect a JDBC URL's subprotocol names (`jdbc:postgresql:`, `jdbc:mariadb:`…).
fn jdbc_dialect(url: &str) -> Option<Dialect> {
    let rest = url.strip_prefix("jdbc:")?;
    match rest.split(':').next()? {
        "postgresql" => Some(Dialect::Postgres),
        "mysql" | "mariadb" => Some(Dialect::Mysql),
        "sqlite" => Some(Dialect::Sqlite),
        _ => None,
    }
}

pub(super) fn detect(tree: &Tree) -> Vec<Evidence> {
    let mut found = Vec::new();
    let mut folders: Vec<PathBuf> = Vec::new();
    let mut table = None;
    for name in CONFIG_FILES {
        let Some(text) = tree.read_text(name) else {
            continue;
        };
        let config = FlywayConfig::parse(&text);
        folders.extend(config.locations.iter().filter_map(|l| location_folder(l)));
        if table.is_none() {
            table.clone_from(&config.table);
        }
        found.push(config_evidence(name, &config));
    }
    folders.extend(DEFAULT_LOCATIONS.iter().map(PathBuf::from));
    let mut seen = BTreeSet::new();
    let table = table.unwrap_or_else(|| "flyway_schema_history".to_owned());
    for folder in folders {
        if seen.insert(folder.clone())
            && let Some(evidence) = scripts_folder(tree, &folder, &table)
        {
            found.push(evidence);
        }
    }
    found
}

fn config_evidence(name: &str, config: &FlywayConfig) -> Evidence {
    let Some(raw) = &config.url else {
        return Evidence::new(
            FindingKind::Flyway,
            name,
            None,
            Strength::Declared,
            format!("{name} configures Flyway but sets no url"),
        );
    };
    let (dialect, shown, url) = match raw.strip_prefix("jdbc:") {
        Some(rest) => {
            let found = inspect_url(rest);
            (
                jdbc_dialect(raw),
                format!("jdbc:{}", found.shown),
                found.usable_url(),
            )
        }
        None => {
            let found = inspect_url(raw);
            (found.dialect, found.shown.clone(), found.usable_url())
        }
    };
    let reason = match dialect {
        Some(_) => format!("url {shown} in {name}"),
        None => format!("url {shown} in {name} names no database dbwarden supports"),
    };
    Evidence::new(
        FindingKind::Flyway,
        name,
        dialect,
        Strength::Declared,
        reason,
    )
    .with_url(url.filter(|_| dialect.is_some()))
}

/// A Flyway script name.
#[derive(Debug, PartialEq, Eq)]
enum Script {
    Versioned(String),
    Undo,
    Repeatable,
}

fn parse_script(name: &str) -> Option<Script> {
    let stem = name.strip_suffix(".sql")?;
    let mut chars = stem.chars();
    let prefix = chars.next()?;
    let (version, _description) = chars.as_str().split_once("__")?;
    let valid_version = version.starts_with(|c: char| c.is_ascii_digit())
        && version
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == '_');
    match prefix {
        'V' if valid_version => Some(Script::Versioned(version.replace('_', "."))),
        'U' if valid_version => Some(Script::Undo),
        'R' if version.is_empty() => Some(Script::Repeatable),
        _ => None,
    }
}

/// Compares Flyway versions part by part: `1.10` after `1.9`, `2` after `1.9.9`.
fn flyway_version_cmp(a: &str, b: &str) -> Ordering {
    let mut pa = a.split('.');
    let mut pb = b.split('.');
    loop {
        match (pa.next(), pb.next()) {
            (Some(x), Some(y)) => match version_cmp(x, y) {
                Ordering::Equal => continue,
                other => return other,
            },
            (Some(_), None) => return Ordering::Greater,
            (None, Some(_)) => return Ordering::Less,
            (None, None) => return Ordering::Equal,
        }
    }
}

fn scripts_folder(tree: &Tree, folder: &Path, table: &str) -> Option<Evidence> {
    let mut versions = BTreeSet::new();
    let mut undo = 0;
    let mut repeatable = 0;
    let mut pending = vec![(folder.to_path_buf(), 0)];
    while let Some((current, depth)) = pending.pop() {
        let Some(listing) = tree.list(&current) else {
            continue;
        };
        for name in &listing.files {
            match parse_script(name) {
                Some(Script::Versioned(v)) => {
                    versions.insert(v);
                }
                Some(Script::Undo) => undo += 1,
                Some(Script::Repeatable) => repeatable += 1,
                None => {}
            }
        }
        if depth < MAX_DEPTH {
            pending.extend(
                listing
                    .dirs
                    .iter()
                    .filter(|d| !is_ignored_dir(d))
                    .map(|d| (current.join(d), depth + 1)),
            );
        }
    }
    if versions.is_empty() && repeatable == 0 {
        return None;
    }
    let mut reason = format!(
        "{} V<version>__<description>.sql",
        counted(versions.len(), "versioned script")
    );
    if repeatable > 0 {
        reason.push_str(&format!(
            ", {} R__…sql",
            counted(repeatable, "repeatable script")
        ));
    }
    if undo > 0 {
        reason.push_str(&format!(
            ", {} U<version>__…sql",
            counted(undo, "undo script")
        ));
    }
    reason.push_str(&format!(" in {}: Flyway's naming", folder.display()));
    let latest = versions
        .iter()
        .max_by(|a, b| flyway_version_cmp(a, b))
        .cloned();
    Some(
        Evidence::new(FindingKind::Flyway, folder, None, Strength::Guess, reason).with_migrations(
            MigrationFolder {
                tool: "flyway".to_owned(),
                path: folder.to_path_buf(),
                count: versions.len() + repeatable,
                latest_version: latest,
                history_table: table.to_owned(),
            },
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::detect::fixture::detect;

    #[test]
    fn script_names() {
        assert_eq!(
            parse_script("V1__init.sql"),
            Some(Script::Versioned("1".into()))
        );
        assert_eq!(
            parse_script("V1_2__x.sql"),
            Some(Script::Versioned("1.2".into()))
        );
        assert_eq!(parse_script("U1__init.sql"), Some(Script::Undo));
        assert_eq!(parse_script("R__views.sql"), Some(Script::Repeatable));
        assert_eq!(parse_script("R1__views.sql"), None);
        assert_eq!(parse_script("V__x.sql"), None);
        assert_eq!(parse_script("Vx__x.sql"), None);
        assert_eq!(parse_script("V1_init.sql"), None);
        assert_eq!(flyway_version_cmp("1.10", "1.9"), Ordering::Greater);
        assert_eq!(flyway_version_cmp("2", "1.9.9"), Ordering::Greater);
        assert_eq!(flyway_version_cmp("1", "1.0.1"), Ordering::Less);
    }

    #[test]
    fn conf_and_toml_settings() {
        let conf = FlywayConfig::parse(
            "# comment\nflyway.url=jdbc:mysql://db:3306/shop\nflyway.locations=filesystem:sql/migrations,classpath:db/migration\nflyway.table=history\n",
        );
        assert_eq!(conf.url.as_deref(), Some("jdbc:mysql://db:3306/shop"));
        assert_eq!(
            conf.locations,
            ["filesystem:sql/migrations", "classpath:db/migration"]
        );
        assert_eq!(conf.table.as_deref(), Some("history"));
        let toml = FlywayConfig::parse(
            "[environments.default]\nurl = \"jdbc:sqlite:app.db\"\n\n[flyway]\nlocations = [\"filesystem:db/flyway\"]\n",
        );
        assert_eq!(toml.url.as_deref(), Some("jdbc:sqlite:app.db"));
        assert_eq!(toml.locations, ["filesystem:db/flyway"]);
        assert_eq!(
            location_folder("classpath:db/migration"),
            Some(PathBuf::from("src/main/resources/db/migration"))
        );
        assert_eq!(location_folder("filesystem:/abs/path"), None);
        assert_eq!(location_folder("s3:bucket/x"), None);
    }

    #[test]
    fn config_and_scripts_folder() {
        let d = detect(&[
            (
                "flyway.conf",
                "flyway.url=jdbc:postgresql://db:5432/app?user=me&password=hunter2\nflyway.password=hunter2\nflyway.locations=filesystem:database/flyway\nflyway.table=app_history\n",
            ),
            ("database/flyway/V1__init.sql", "CREATE TABLE a (id int);"),
            ("database/flyway/V1.1__more.sql", "ALTER TABLE a ADD b int;"),
            (
                "database/flyway/nested/V2__users.sql",
                "CREATE TABLE u (id int);",
            ),
            ("database/flyway/U2__users.sql", "DROP TABLE u;"),
            (
                "database/flyway/R__views.sql",
                "CREATE OR REPLACE VIEW v AS SELECT 1;",
            ),
        ]);
        assert_eq!(d.findings.len(), 2, "{:#?}", d.findings);
        let folder = &d.findings[0];
        assert_eq!(folder.path, Path::new("database/flyway"));
        assert_eq!(
            folder.reason,
            "3 versioned scripts V<version>__<description>.sql, 1 repeatable script R__…sql, 1 undo script U<version>__…sql in database/flyway: Flyway's naming"
        );
        assert_eq!(
            folder.migrations,
            Some(MigrationFolder {
                tool: "flyway".into(),
                path: "database/flyway".into(),
                count: 4,
                latest_version: Some("2".into()),
                history_table: "app_history".into(),
            })
        );
        let config = &d.findings[1];
        assert_eq!(config.dialect, Some(Dialect::Postgres));
        assert_eq!(
            config.reason,
            "url jdbc:postgresql://db:5432/app?user=me&password=*** in flyway.conf"
        );
        assert_eq!(
            d.database_url.as_deref(),
            Some("postgresql://db:5432/app?user=me&password=***")
        );
        assert!(!format!("{d:?}").contains("hunter2"));
    }

    #[test]
    fn default_locations_and_jdbc_dialects() {
        let d = detect(&[
            (
                "src/main/resources/db/migration/V20240101__init.sql",
                "CREATE TABLE a (id int);",
            ),
            (
                "flyway.toml",
                "[environments.default]\nurl = \"jdbc:mariadb://db/shop\"\n",
            ),
        ]);
        assert_eq!(d.findings.len(), 2);
        assert_eq!(d.findings[0].dialect, Some(Dialect::Mysql));
        let m = d.findings[1].migrations.as_ref().expect("folder");
        assert_eq!(
            (m.count, m.history_table.as_str()),
            (1, "flyway_schema_history")
        );
        assert_eq!(jdbc_dialect("jdbc:sqlite:app.db"), Some(Dialect::Sqlite));
        assert_eq!(jdbc_dialect("jdbc:sqlserver://h"), None);
    }
}
