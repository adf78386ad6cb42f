//! Prisma: the `datasource` block of `schema.prisma` (its `provider` and `url`), and the
//! `migrations` folder next to it, whose `migration_lock.toml` repeats the provider.
//!
//! Prisma resolves a `file:` URL relative to the schema file's folder (Prisma docs, "SQLite
//! connection URL"), so `file:./dev.db` in `prisma/schema.prisma` is `prisma/dev.db`.

use dbwarden_core::Dialect;
use std::path::{Component, Path, PathBuf};

use super::config_text::string_literal_at;
use super::redact::inspect_url;
use super::sql_migrations::{split_numbered, version_cmp};
use super::tree::Tree;
use super::{Evidence, FindingKind, MigrationFolder, Strength, counted};

/// What the Prisma detector found, and the environment variables its schemas read the URL from
/// (so that `.env` can be searched for them too).
pub(super) struct PrismaDetection {
    pub evidence: Vec<Evidence>,
    pub env_names: Vec<String>,
}

/// A `datasource` block.
#[derive(Debug, Default, PartialEq, Eq)]
struct Datasource {
    provider: Option<String>,
    url: Option<UrlSetting>,
}

/// How a datasource's `url` is given.
#[derive(Debug, PartialEq, Eq)]
enum UrlSetting {
    Literal(String),
    Env(String),
    /// Anything else; not shown, since it is not understood.
    Expression,
}

pub(super) fn detect(tree: &Tree) -> PrismaDetection {
    let mut schemas = vec![
        PathBuf::from("schema.prisma"),
        PathBuf::from("prisma/schema.prisma"),
    ];
    // Prisma 5.15+ may split the schema into a `prisma/schema/` folder of `.prisma` files.
    if let Some(listing) = tree.list("prisma/schema") {
        schemas.extend(
            listing
                .files
                .iter()
                .filter(|name| name.ends_with(".prisma"))
                .map(|name| Path::new("prisma/schema").join(name)),
        );
    }
    let mut result = PrismaDetection {
        evidence: Vec::new(),
        env_names: Vec::new(),
    };
    let mut migration_folders = vec![PathBuf::from("prisma/migrations")];
    for path in schemas {
        let Some(text) = tree.read_text(&path) else {
            continue;
        };
        let in_split_folder = path.starts_with("prisma/schema");
        let datasource = parse_datasource(&text);
        if datasource.is_none() && in_split_folder {
            continue;
        }
        let folder = path.parent().map(Path::to_path_buf).unwrap_or_default();
        let migrations = if in_split_folder {
            PathBuf::from("prisma/migrations")
        } else {
            folder.join("migrations")
        };
        if !migration_folders.contains(&migrations) {
            migration_folders.push(migrations);
        }
        if let Some(Datasource {
            url: Some(UrlSetting::Env(name)),
            ..
        }) = &datasource
            && !result.env_names.contains(name)
        {
            result.env_names.push(name.clone());
        }
        result
            .evidence
            .push(schema_evidence(&path, &folder, datasource));
    }
    for folder in migration_folders {
        if let Some(evidence) = migrations_folder(tree, &folder) {
            result.evidence.push(evidence);
        }
    }
    result
}

fn provider_dialect(provider: &str) -> Option<Dialect> {
    match provider {
        "postgresql" | "postgres" => Some(Dialect::Postgres),
        "mysql" => Some(Dialect::Mysql),
        "sqlite" => Some(Dialect::Sqlite),
        _ => None,
    }
}

fn schema_evidence(path: &Path, folder: &Path, datasource: Option<Datasource>) -> Evidence {
    let shown = path.display();
    let Some(datasource) = datasource else {
        return Evidence::new(
            FindingKind::Prisma,
            path,
            None,
            Strength::Declared,
            format!("{shown} has no datasource block"),
        );
    };
    let (dialect, mut reason) = match &datasource.provider {
        Some(p) => match provider_dialect(p) {
            Some(d) => (Some(d), format!("datasource provider = \"{p}\" in {shown}")),
            None => (
                None,
                format!(
                    "datasource provider = \"{p}\" in {shown}, a database dbwarden does not support"
                ),
            ),
        },
        None => (
            None,
            format!("datasource in {shown} has no literal provider"),
        ),
    };
    let mut url = None;
    match &datasource.url {
        Some(UrlSetting::Env(name)) => reason.push_str(&format!("; url from env(\"{name}\")")),
        Some(UrlSetting::Literal(raw)) if raw.starts_with("file:") => {
            reason.push_str(&format!(
                "; url = \"{raw}\" (relative to {})",
                display_folder(folder)
            ));
            if dialect == Some(Dialect::Sqlite) {
                url = inspect_url(&sqlite_url(folder, raw)).usable_url();
            }
        }
        Some(UrlSetting::Literal(raw)) => {
            let found = inspect_url(raw);
            reason.push_str(&format!("; url = \"{}\"", found.shown));
            if found.dialect.is_some() && found.dialect != dialect {
                reason.push_str(", which names another database than the provider");
            } else {
                url = found.usable_url();
            }
        }
        Some(UrlSetting::Expression) => reason.push_str("; url is neither a string nor env()"),
        None => reason.push_str("; no url"),
    }
    Evidence::new(
        FindingKind::Prisma,
        path,
        dialect,
        Strength::Declared,
        reason,
    )
    .with_url(url)
}

fn display_folder(folder: &Path) -> String {
    if folder.as_os_str().is_empty() {
        "the project folder".to_owned()
    } else {
        format!("{}/", folder.display())
    }
}

/// `file:./dev.db?x=y` in a schema under `folder`, as a dbwarden URL relative to the project.
fn sqlite_url(folder: &Path, raw: &str) -> String {
    let file = raw.trim_start_matches("file:");
    let file = file.split('?').next().unwrap_or(file);
    let file = file.strip_prefix("//").unwrap_or(file);
    if Path::new(file).is_absolute() {
        return format!("sqlite:{file}");
    }
    let mut parts: Vec<String> = Vec::new();
    for component in folder.join(file).components() {
        match component {
            Component::Normal(name) => parts.push(name.to_string_lossy().into_owned()),
            Component::ParentDir if parts.last().is_some_and(|p| p != "..") => {
                parts.pop();
            }
            Component::ParentDir => parts.push("..".to_owned()),
            _ => {}
        }
    }
    format!("sqlite:{}", parts.join("/"))
}

/// The first `datasource` block, or `None` if the file has none.
fn parse_datasource(text: &str) -> Option<Datasource> {
    let mut lines = text.lines().map(strip_comment);
    lines.find(|line| {
        let mut words = line.split_whitespace();
        words.next() == Some("datasource") && line.contains('{')
    })?;
    let mut datasource = Datasource::default();
    for line in lines {
        let line = line.trim();
        if line.starts_with('}') {
            break;
        }
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        let value = value.trim();
        match key.trim() {
            "provider" => datasource.provider = string_literal_at(value, 0),
            "url" => datasource.url = Some(url_setting(value)),
            _ => {}
        }
    }
    Some(datasource)
}

fn url_setting(value: &str) -> UrlSetting {
    if let Some(literal) = string_literal_at(value, 0) {
        return UrlSetting::Literal(literal);
    }
    value
        .strip_prefix("env(")
        .and_then(|inner| string_literal_at(inner.trim_start(), 0))
        .map_or(UrlSetting::Expression, UrlSetting::Env)
}

/// The line without a `//` comment, respecting string literals (a URL holds `//`).
fn strip_comment(line: &str) -> &str {
    let mut in_string = false;
    let mut escaped = false;
    for (i, c) in line.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if in_string => escaped = true,
            '"' => in_string = !in_string,
            '/' if !in_string && line[i + 1..].starts_with('/') => return &line[..i],
            _ => {}
        }
    }
    line
}

/// `prisma/migrations/<timestamp>_<name>/migration.sql` folders and `migration_lock.toml`.
fn migrations_folder(tree: &Tree, folder: &Path) -> Option<Evidence> {
    let listing = tree.list(folder)?;
    let names: Vec<&String> = listing
        .dirs
        .iter()
        .filter(|name| {
            split_numbered(name).is_some() && tree.is_file(folder.join(name).join("migration.sql"))
        })
        .collect();
    let lock = folder.join("migration_lock.toml");
    let lock_provider = tree.read_text(&lock).and_then(|text| {
        text.lines().find_map(|line| {
            let (key, value) = line.split_once('=')?;
            (key.trim() == "provider")
                .then(|| string_literal_at(value.trim(), 0))
                .flatten()
        })
    });
    if names.is_empty() && lock_provider.is_none() {
        return None;
    }
    let mut reason = format!(
        "{} as <timestamp>_<name>/migration.sql in {}",
        counted(names.len(), "Prisma migration"),
        folder.display()
    );
    let mut dialect = None;
    let mut strength = Strength::Guess;
    if let Some(p) = &lock_provider {
        reason.push_str(&format!("; migration_lock.toml provider = \"{p}\""));
        dialect = provider_dialect(p);
        strength = Strength::Declared;
    }
    let latest = names
        .iter()
        .max_by(|a, b| {
            let va = split_numbered(a).map_or("", |(v, _)| v);
            let vb = split_numbered(b).map_or("", |(v, _)| v);
            version_cmp(va, vb).then_with(|| a.cmp(b))
        })
        .map(|name| (*name).clone());
    Some(
        Evidence::new(FindingKind::Prisma, folder, dialect, strength, reason).with_migrations(
            MigrationFolder {
                tool: "prisma".to_owned(),
                path: folder.to_path_buf(),
                count: names.len(),
                latest_version: latest,
                history_table: "_prisma_migrations".to_owned(),
            },
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::detect::fixture::detect;

    #[test]
    fn parses_provider_and_env_url() {
        let text = "generator client {\n  provider = \"prisma-client-js\"\n}\n\n// the database\ndatasource db {\n  provider = \"postgresql\" // main\n  url      = env(\"DATABASE_URL\")\n}\n";
        assert_eq!(
            parse_datasource(text),
            Some(Datasource {
                provider: Some("postgresql".into()),
                url: Some(UrlSetting::Env("DATABASE_URL".into())),
            })
        );
        assert_eq!(parse_datasource("model User { id Int @id }"), None);
        assert_eq!(
            strip_comment("url = \"postgres://h/db\" // c"),
            "url = \"postgres://h/db\" "
        );
    }

    #[test]
    fn env_url_is_named_and_read_from_dot_env() {
        let d = detect(&[
            (
                "prisma/schema.prisma",
                "datasource db {\n  provider = \"postgres\"\n  url = env(\"PG_URL\")\n}\n",
            ),
            (".env", "PG_URL=postgresql://app:pw123@localhost:5432/app\n"),
        ]);
        assert_eq!(d.findings.len(), 2);
        assert_eq!(d.findings[0].kind, FindingKind::DotEnv);
        let f = &d.findings[1];
        assert_eq!(f.kind, FindingKind::Prisma);
        assert_eq!(f.dialect, Some(Dialect::Postgres));
        assert_eq!(
            f.reason,
            "datasource provider = \"postgres\" in prisma/schema.prisma; url from env(\"PG_URL\")"
        );
        assert_eq!(
            d.database_url.as_deref(),
            Some("postgresql://app:***@localhost:5432/app")
        );
    }

    #[test]
    fn literal_url_is_redacted() {
        let d = detect(&[(
            "schema.prisma",
            "datasource db {\n  provider = \"mysql\"\n  url = \"mysql://root:hunter2@db:3306/shop\"\n}\n",
        )]);
        let f = &d.findings[0];
        assert_eq!(f.dialect, Some(Dialect::Mysql));
        assert_eq!(
            f.reason,
            "datasource provider = \"mysql\" in schema.prisma; url = \"mysql://root:***@db:3306/shop\""
        );
        assert_eq!(
            d.database_url.as_deref(),
            Some("mysql://root:***@db:3306/shop")
        );
        let json = serde_json::to_string(&d).unwrap_or_default();
        assert!(!json.contains("hunter2") && !format!("{d:?}").contains("hunter2"));
    }

    #[test]
    fn file_url_is_kept_as_written() {
        let d = detect(&[(
            "prisma/schema.prisma",
            "datasource db {\n  provider = \"sqlite\"\n  url = \"file:./dev.db\"\n}\n",
        )]);
        let f = &d.findings[0];
        assert_eq!(f.dialect, Some(Dialect::Sqlite));
        assert_eq!(
            f.reason,
            "datasource provider = \"sqlite\" in prisma/schema.prisma; url = \"file:./dev.db\" (relative to prisma/)"
        );
        assert_eq!(d.database_url.as_deref(), Some("sqlite:prisma/dev.db"));
        assert_eq!(
            sqlite_url(Path::new("prisma"), "file:../data/x.db?mode=ro"),
            "sqlite:data/x.db"
        );
        assert_eq!(
            sqlite_url(Path::new(""), "file:/var/app.db"),
            "sqlite:/var/app.db"
        );
    }

    #[test]
    fn unsupported_provider_is_reported_without_dialect() {
        let d = detect(&[(
            "schema.prisma",
            "datasource db {\n  provider = \"mongodb\"\n  url = env(\"DATABASE_URL\")\n}\n",
        )]);
        let f = &d.findings[0];
        assert_eq!(f.dialect, None);
        assert!(
            f.reason.contains("a database dbwarden does not support"),
            "{}",
            f.reason
        );
        assert_eq!(d.dialect, None);
    }

    #[test]
    fn migrations_folder_and_lock_file() {
        let d = detect(&[
            (
                "prisma/schema.prisma",
                "datasource db {\n  provider = \"postgresql\"\n  url = env(\"DATABASE_URL\")\n}\n",
            ),
            (
                "prisma/migrations/migration_lock.toml",
                "# Please do not edit\nprovider = \"postgresql\"\n",
            ),
            (
                "prisma/migrations/20240101120000_init/migration.sql",
                "CREATE TABLE a (id int);",
            ),
            (
                "prisma/migrations/20240202120000_users/migration.sql",
                "CREATE TABLE u (id int);",
            ),
            (
                "prisma/migrations/20240303120000_empty/notes.txt",
                "no migration.sql",
            ),
        ]);
        let f = d
            .findings
            .iter()
            .find(|f| f.path == Path::new("prisma/migrations"))
            .expect("migrations finding");
        assert_eq!(f.dialect, Some(Dialect::Postgres));
        let m = f.migrations.as_ref().expect("folder");
        assert_eq!(m.tool, "prisma");
        assert_eq!(m.count, 2);
        assert_eq!(m.latest_version.as_deref(), Some("20240202120000_users"));
        assert_eq!(m.history_table, "_prisma_migrations");
    }

    #[test]
    fn split_schema_folder_reports_the_file_with_the_datasource() {
        let d = detect(&[
            ("prisma/schema/user.prisma", "model User { id Int @id }"),
            (
                "prisma/schema/main.prisma",
                "datasource db {\n  provider = \"sqlite\"\n  url = \"file:dev.db\"\n}\n",
            ),
        ]);
        assert_eq!(d.findings.len(), 1);
        assert_eq!(d.findings[0].path, Path::new("prisma/schema/main.prisma"));
        assert_eq!(d.dialect, Some(Dialect::Sqlite));
    }
}
