//! Rails: `config/database.yml` (each environment's `adapter`, or a literal `url`) and
//! `db/migrate/<version>_<name>.rb`, recorded by version in `schema_migrations`.
//!
//! `database.yml` is YAML with ERB; rather than evaluate either, this reads the top-level
//! environments, their `adapter:` lines and `<<: *anchor` merges, which is how nearly every Rails
//! app writes it. An adapter that comes from ERB (`<%= ENV[...] %>`) is reported as unknown.

use dbwarden_core::Dialect;
use std::path::Path;

use super::redact::inspect_url;
use super::sql_migrations::{split_numbered, version_cmp};
use super::tree::Tree;
use super::{Evidence, FindingKind, MigrationFolder, Strength, counted};

const DATABASE_YML: &str = "config/database.yml";
const MIGRATE_FOLDER: &str = "db/migrate";

fn adapter_dialect(adapter: &str) -> Option<Dialect> {
    match adapter {
        "postgresql" | "postgis" => Some(Dialect::Postgres),
        "mysql2" | "trilogy" | "mysql" => Some(Dialect::Mysql),
        "sqlite3" | "sqlite" => Some(Dialect::Sqlite),
        _ => None,
    }
}

/// One top-level section of `database.yml`.
#[derive(Debug, Default, PartialEq, Eq)]
struct Section {
    name: String,
    anchor: Option<String>,
    merges: Vec<String>,
    adapter: Option<String>,
    url: Option<String>,
}

fn parse_sections(text: &str) -> Vec<Section> {
    let mut sections: Vec<Section> = Vec::new();
    for line in text.lines() {
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let top_level = !line.starts_with([' ', '\t']);
        let Some((key, value)) = trimmed.split_once(':') else {
            continue;
        };
        let value = unquote(value.trim());
        if top_level {
            sections.push(Section {
                name: key.trim().to_owned(),
                anchor: value.strip_prefix('&').map(|a| a.trim().to_owned()),
                ..Section::default()
            });
            continue;
        }
        let Some(section) = sections.last_mut() else {
            continue;
        };
        match key.trim() {
            "adapter" if section.adapter.is_none() => section.adapter = Some(value.to_owned()),
            "url" if section.url.is_none() => section.url = Some(value.to_owned()),
            "<<" => {
                if let Some(anchor) = value.strip_prefix('*') {
                    section.merges.push(anchor.trim().to_owned());
                }
            }
            _ => {}
        }
    }
    sections
}

fn unquote(value: &str) -> &str {
    let value = value.split(" #").next().unwrap_or(value).trim();
    for quote in ['"', '\''] {
        if let Some(inner) = value
            .strip_prefix(quote)
            .and_then(|v| v.strip_suffix(quote))
        {
            return inner;
        }
    }
    value
}

/// A section's adapter, its own or merged from an anchored section.
fn effective_adapter<'a>(sections: &'a [Section], section: &'a Section) -> Option<&'a str> {
    section.adapter.as_deref().or_else(|| {
        section.merges.iter().find_map(|anchor| {
            sections
                .iter()
                .find(|s| s.anchor.as_deref() == Some(anchor.as_str()))
                .and_then(|s| s.adapter.as_deref())
        })
    })
}

pub(super) fn detect(tree: &Tree) -> Vec<Evidence> {
    let mut found = Vec::new();
    if let Some(text) = tree.read_text(DATABASE_YML) {
        found.push(database_yml(&text));
    }
    if let Some(evidence) = migrate_folder(tree) {
        found.push(evidence);
    }
    found
}

fn database_yml(text: &str) -> Evidence {
    let sections = parse_sections(text);
    // Environments are the sections that are not only anchors for others (`default: &default`).
    let environments: Vec<&Section> = sections.iter().filter(|s| s.anchor.is_none()).collect();
    let mut adapters: Vec<(&str, &str)> = environments
        .iter()
        .filter_map(|s| effective_adapter(&sections, s).map(|a| (s.name.as_str(), a)))
        .collect();
    if adapters.is_empty() {
        adapters = sections
            .iter()
            .filter_map(|s| s.adapter.as_deref().map(|a| (s.name.as_str(), a)))
            .collect();
    }
    let mut distinct: Vec<&str> = adapters.iter().map(|(_, a)| *a).collect();
    distinct.sort_unstable();
    distinct.dedup();
    let listed = adapters
        .iter()
        .map(|(env, a)| format!("{a} ({env})"))
        .collect::<Vec<_>>()
        .join(", ");
    let (dialect, mut reason) = match distinct.as_slice() {
        [] => (None, format!("{DATABASE_YML} names no literal adapter")),
        [one] if one.contains("<%") => (
            None,
            format!("the adapter in {DATABASE_YML} is computed by ERB: {one}"),
        ),
        [one] => match adapter_dialect(one) {
            Some(d) => (Some(d), format!("adapter: {one} in {DATABASE_YML}")),
            None => (
                None,
                format!("adapter: {one} in {DATABASE_YML}, a database dbwarden does not support"),
            ),
        },
        _ => {
            let production = adapters.iter().find(|(env, _)| *env == "production");
            match production.and_then(|(_, a)| adapter_dialect(a).map(|d| (d, *a))) {
                Some((d, a)) => (
                    Some(d),
                    format!(
                        "adapters differ by environment in {DATABASE_YML}: {listed}; production uses {a}"
                    ),
                ),
                None => (
                    None,
                    format!("adapters differ by environment in {DATABASE_YML}: {listed}"),
                ),
            }
        }
    };
    let mut url = None;
    let literal_url = environments
        .iter()
        .filter_map(|s| s.url.as_deref())
        .find(|u| !u.contains("<%"));
    if let Some(raw) = literal_url {
        let found = inspect_url(raw);
        reason.push_str(&format!("; url: {}", found.shown));
        if dialect.is_some() && found.dialect == dialect {
            url = found.usable_url();
        }
    }
    Evidence::new(
        FindingKind::Rails,
        DATABASE_YML,
        dialect,
        Strength::Declared,
        reason,
    )
    .with_url(url)
}

fn migrate_folder(tree: &Tree) -> Option<Evidence> {
    let listing = tree.list(MIGRATE_FOLDER)?;
    let versions: Vec<&str> = listing
        .files
        .iter()
        .filter_map(|name| split_numbered(name.strip_suffix(".rb")?))
        .map(|(version, _)| version)
        .collect();
    if versions.is_empty() {
        return None;
    }
    let latest = versions.iter().max_by(|a, b| version_cmp(a, b));
    let reason = format!(
        "{} as <version>_<name>.rb in {MIGRATE_FOLDER}",
        counted(versions.len(), "Rails migration")
    );
    Some(
        Evidence::new(
            FindingKind::Rails,
            MIGRATE_FOLDER,
            None,
            Strength::Guess,
            reason,
        )
        .with_migrations(MigrationFolder {
            tool: "rails".to_owned(),
            path: Path::new(MIGRATE_FOLDER).to_path_buf(),
            count: versions.len(),
            latest_version: latest.map(|v| (*v).to_owned()),
            history_table: "schema_migrations".to_owned(),
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::detect::fixture::detect;

    const STANDARD: &str = "default: &default\n  adapter: postgresql\n  encoding: unicode\n  pool: <%= ENV.fetch(\"RAILS_MAX_THREADS\") { 5 } %>\n\ndevelopment:\n  <<: *default\n  database: app_development\n\ntest:\n  <<: *default\n  database: app_test\n\nproduction:\n  <<: *default\n  database: app_production\n  password: <%= ENV[\"APP_DATABASE_PASSWORD\"] %>\n";

    #[test]
    fn anchored_adapter_applies_to_every_environment() {
        let d = detect(&[(DATABASE_YML, STANDARD)]);
        let f = &d.findings[0];
        assert_eq!(f.kind, FindingKind::Rails);
        assert_eq!(f.dialect, Some(Dialect::Postgres));
        assert_eq!(f.reason, "adapter: postgresql in config/database.yml");
    }

    #[test]
    fn production_decides_when_environments_differ() {
        let yml = "development:\n  adapter: sqlite3\n  database: db/dev.sqlite3\ntest:\n  adapter: sqlite3\nproduction:\n  adapter: trilogy\n  url: mysql://app:s3cret@db/app\n";
        let d = detect(&[(DATABASE_YML, yml)]);
        let f = &d.findings[0];
        assert_eq!(f.dialect, Some(Dialect::Mysql));
        assert_eq!(
            f.reason,
            "adapters differ by environment in config/database.yml: sqlite3 (development), sqlite3 (test), trilogy (production); production uses trilogy; url: mysql://app:***@db/app"
        );
        assert_eq!(d.database_url.as_deref(), Some("mysql://app:***@db/app"));
        assert!(
            !serde_json::to_string(&d)
                .unwrap_or_default()
                .contains("s3cret")
        );
    }

    #[test]
    fn erb_adapter_is_unknown() {
        let d = detect(&[(
            DATABASE_YML,
            "production:\n  adapter: <%= ENV['DB_ADAPTER'] %>\n",
        )]);
        assert_eq!(d.findings[0].dialect, None);
        assert_eq!(
            d.findings[0].reason,
            "the adapter in config/database.yml is computed by ERB: <%= ENV['DB_ADAPTER'] %>"
        );
    }

    #[test]
    fn migrate_folder_counts_versions() {
        let d = detect(&[
            (
                "db/migrate/20240101000000_create_users.rb",
                "class CreateUsers < ActiveRecord::Migration[7.1]; end",
            ),
            (
                "db/migrate/20240315093000_add_email_to_users.rb",
                "class AddEmailToUsers < ActiveRecord::Migration[7.1]; end",
            ),
            ("db/migrate/.keep", ""),
            (
                "db/schema.rb",
                "ActiveRecord::Schema[7.1].define(version: 2024_03_15_093000) do\nend\n",
            ),
        ]);
        assert_eq!(d.findings.len(), 1);
        let f = &d.findings[0];
        assert_eq!(
            f.reason,
            "2 Rails migrations as <version>_<name>.rb in db/migrate"
        );
        assert_eq!(
            f.migrations,
            Some(MigrationFolder {
                tool: "rails".into(),
                path: "db/migrate".into(),
                count: 2,
                latest_version: Some("20240315093000".into()),
                history_table: "schema_migrations".into(),
            })
        );
    }
}
