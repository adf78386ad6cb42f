//! Detection: what database a project uses and which migration tooling it already has, found by
//! reading its files, so that dbwarden can adopt an existing project without re-running its
//! history.
//!
//! Nothing here connects to a database except [`history_tables`], which lists the migration
//! history tables a live database holds. The project folder is read, never written; symbolic links
//! are never followed (a link could point anywhere on the machine), and dependency, build and VCS
//! folders (`node_modules`, `target`, `.git`) are skipped. Each [`Finding`] says concretely what
//! was seen and where; [`ProjectDetection::dialect`] is the best guess drawn from them.
//!
//! A URL found in a file is only ever kept in redacted form: a password never reaches a
//! [`Finding`], its `Debug` output or its JSON.

mod config_text;
mod django;
mod dotenv;
#[cfg(test)]
mod fixture;
mod flyway;
mod history_tables;
mod knex;
mod prisma;
mod rails;
mod redact;
mod sql_migrations;
mod sql_schema;
mod sqlite_file;
mod tree;

use dbwarden_core::Dialect;
use serde::Serialize;
use std::path::{Path, PathBuf};

pub use history_tables::{HistoryTable, history_tables};
use tree::Tree;

/// What [`detect_project`] found in a project folder.
#[derive(Debug, Clone, Serialize)]
pub struct ProjectDetection {
    /// Every piece of evidence, sorted by path then kind.
    pub findings: Vec<Finding>,
    /// The best guess at the project's database: the strongest evidence wins (a usable URL, then
    /// a tool's configuration naming the engine, then a database file, then SQL syntax), and
    /// among equally strong evidence the first finding in order.
    pub dialect: Option<Dialect>,
    /// The database URL a project file held, redacted (a password shows as `***`). Only URLs that
    /// dbwarden can connect with are kept here; others appear, redacted, in a finding's reason.
    pub database_url: Option<String>,
}

/// One piece of evidence: a file or folder and what it says about the project.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    /// What kind of file or folder this is.
    pub kind: FindingKind,
    /// Where it is, relative to the project folder.
    pub path: PathBuf,
    /// The database it points to, when it says.
    pub dialect: Option<Dialect>,
    /// Why we think so, in words: what was seen, in which file.
    pub reason: String,
    /// The migration folder and its history, when this finding is one.
    pub migrations: Option<MigrationFolder>,
}

/// The kinds of evidence [`detect_project`] recognizes.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum FindingKind {
    /// A `schema.sql` (or Rails `db/structure.sql`) file.
    SchemaSql,
    /// A `schema.mysql` file.
    SchemaMysql,
    /// A SQLite database file.
    SqliteFile,
    /// A Prisma schema or its `migrations` folder.
    Prisma,
    /// A knexfile or a knex migrations folder.
    Knex,
    /// An sqlx migrations folder.
    Sqlx,
    /// A dbmate migrations folder.
    Dbmate,
    /// A golang-migrate migrations folder.
    GolangMigrate,
    /// A Flyway configuration file or migrations folder.
    Flyway,
    /// Rails `config/database.yml` or `db/migrate`.
    Rails,
    /// Django settings or an app's `migrations` folder.
    Django,
    /// dbwarden's own configuration or migrations folder.
    Dbwarden,
    /// A `.env` file with a database URL.
    DotEnv,
}

impl FindingKind {
    /// A short human name (`golang-migrate`, `.env`, `SQLite file`).
    pub fn label(self) -> &'static str {
        match self {
            FindingKind::SchemaSql => "SQL schema",
            FindingKind::SchemaMysql => "MySQL schema",
            FindingKind::SqliteFile => "SQLite file",
            FindingKind::Prisma => "Prisma",
            FindingKind::Knex => "knex",
            FindingKind::Sqlx => "sqlx",
            FindingKind::Dbmate => "dbmate",
            FindingKind::GolangMigrate => "golang-migrate",
            FindingKind::Flyway => "Flyway",
            FindingKind::Rails => "Rails",
            FindingKind::Django => "Django",
            FindingKind::Dbwarden => "dbwarden",
            FindingKind::DotEnv => ".env",
        }
    }
}

/// A folder of migrations written for some tool, and what adopting it needs to know.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct MigrationFolder {
    /// The tool the folder belongs to (`sqlx`, `dbmate`, `golang-migrate`, `flyway`, `rails`,
    /// `django`, `knex`, `prisma`, `dbwarden`).
    pub tool: String,
    /// The folder, relative to the project folder.
    pub path: PathBuf,
    /// How many migrations it holds (an up/down pair counts once; Flyway counts versioned and
    /// repeatable scripts, not undo scripts).
    pub count: usize,
    /// The newest migration, as that tool records it in its history table: the version for
    /// sqlx, dbmate, golang-migrate, Flyway, Rails and dbwarden; the migration name for Django and
    /// Prisma; the file name for knex.
    pub latest_version: Option<String>,
    /// The table the tool keeps its history in (`_sqlx_migrations`, `schema_migrations`,
    /// `flyway_schema_history`, `knex_migrations`, `django_migrations`, `_prisma_migrations`,
    /// `dbwarden_migrations`), or the one its configuration names instead.
    pub history_table: String,
}

/// How much a finding's dialect is worth when picking the project's dialect; stronger wins.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Strength {
    /// Guessed from SQL syntax.
    Guess,
    /// A file that is (or is named as) one engine's: a SQLite database, `schema.mysql`.
    File,
    /// A tool's configuration names the engine.
    Declared,
    /// A URL dbwarden can connect with.
    Url,
}

/// A finding as detectors produce it, with what [`detect_project`] needs to rank it.
#[derive(Debug)]
struct Evidence {
    finding: Finding,
    strength: Strength,
    /// The redacted URL, when the finding held one dbwarden can use.
    url: Option<String>,
}

impl Evidence {
    fn new(
        kind: FindingKind,
        path: impl Into<PathBuf>,
        dialect: Option<Dialect>,
        strength: Strength,
        reason: String,
    ) -> Self {
        Evidence {
            finding: Finding {
                kind,
                path: path.into(),
                dialect,
                reason,
                migrations: None,
            },
            strength,
            url: None,
        }
    }

    fn with_migrations(mut self, migrations: MigrationFolder) -> Self {
        self.finding.migrations = Some(migrations);
        self
    }

    fn with_url(mut self, url: Option<String>) -> Self {
        if url.is_some() {
            self.strength = Strength::Url;
        }
        self.url = url;
        self
    }
}

/// Reads a project folder and reports its database and migration tooling.
///
/// Looks at `dir` and a few conventional subfolders (`db/`, `database/`, `prisma/`, `sql/`,
/// `config/`, `migrations/`, Django app folders, Flyway locations). Unreadable or missing files
/// are simply not evidence: a folder that does not exist gives no findings.
pub fn detect_project(dir: &Path) -> ProjectDetection {
    let tree = Tree::new(dir);
    let mut evidence = Vec::new();
    evidence.extend(sql_schema::detect(&tree));
    evidence.extend(sqlite_file::detect(&tree));
    let prisma = prisma::detect(&tree);
    evidence.extend(prisma.evidence);
    evidence.extend(knex::detect(&tree));
    evidence.extend(sql_migrations::detect(&tree));
    evidence.extend(flyway::detect(&tree));
    evidence.extend(rails::detect(&tree));
    evidence.extend(django::detect(&tree));
    let mut env_names = vec!["DATABASE_URL".to_owned()];
    for name in prisma.env_names {
        if !env_names.contains(&name) {
            env_names.push(name);
        }
    }
    evidence.extend(dotenv::detect(&tree, &env_names));
    assemble(evidence)
}

/// `1 migration`, `2 migrations`.
fn counted(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// Sorts, de-duplicates and ranks the evidence into the result.
fn assemble(mut evidence: Vec<Evidence>) -> ProjectDetection {
    evidence
        .sort_by(|a, b| (&a.finding.path, a.finding.kind).cmp(&(&b.finding.path, b.finding.kind)));
    evidence.dedup_by(|a, b| a.finding.path == b.finding.path && a.finding.kind == b.finding.kind);
    let mut best: Option<&Evidence> = None;
    for e in evidence.iter().filter(|e| e.finding.dialect.is_some()) {
        if best.is_none_or(|b| e.strength > b.strength) {
            best = Some(e);
        }
    }
    let dialect = best.and_then(|e| e.finding.dialect);
    let database_url = evidence.iter().find_map(|e| e.url.clone());
    ProjectDetection {
        findings: evidence.into_iter().map(|e| e.finding).collect(),
        dialect,
        database_url,
    }
}

impl ProjectDetection {
    /// Human-readable lines: the verdict first, then one line per finding (and one more for a
    /// migration folder), then any disagreement between findings.
    pub fn summary_lines(&self) -> Vec<String> {
        let mut lines = Vec::new();
        if self.findings.is_empty() {
            lines.push(
                "nothing detected: no database URL, schema, database file, ORM configuration or \
                 migration folder was found"
                    .to_owned(),
            );
            return lines;
        }
        match self.dialect {
            Some(d) => {
                let sources: Vec<String> = self
                    .findings
                    .iter()
                    .filter(|f| f.dialect == Some(d))
                    .map(|f| f.path.display().to_string())
                    .collect();
                lines.push(format!(
                    "database: {} (from {})",
                    d.name(),
                    sources.join(", ")
                ));
            }
            None => lines.push("database: unknown (no finding names the engine)".to_owned()),
        }
        if let Some(url) = &self.database_url {
            lines.push(format!("database URL: {url}"));
        }
        for f in &self.findings {
            let dialect = f
                .dialect
                .map(|d| format!(", {}", d.name()))
                .unwrap_or_default();
            lines.push(format!(
                "{} [{}{}]: {}",
                f.path.display(),
                f.kind.label(),
                dialect,
                f.reason
            ));
            if let Some(m) = &f.migrations {
                let latest = m
                    .latest_version
                    .as_deref()
                    .map(|v| format!(", latest {v}"))
                    .unwrap_or_default();
                lines.push(format!(
                    "    {}: {}{latest}, history table {}",
                    m.tool,
                    counted(m.count, "migration"),
                    m.history_table
                ));
            }
        }
        if let Some(chosen) = self.dialect {
            let others: Vec<String> = self
                .findings
                .iter()
                .filter_map(|f| match f.dialect {
                    Some(d) if d != chosen => {
                        Some(format!("{} says {}", f.path.display(), d.name()))
                    }
                    _ => None,
                })
                .collect();
            if !others.is_empty() {
                lines.push(format!(
                    "note: findings disagree: {}; check which database is the target",
                    others.join(", ")
                ));
            }
        }
        lines
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("temp dir");
        for (path, text) in files {
            let full = dir.path().join(path);
            if let Some(parent) = full.parent() {
                fs::create_dir_all(parent).expect("mkdir");
            }
            fs::write(full, text).expect("write");
        }
        dir
    }

    #[test]
    fn empty_folder_gives_no_findings() {
        let dir = project(&[]);
        let d = detect_project(dir.path());
        assert!(d.findings.is_empty());
        assert_eq!(d.dialect, None);
        assert_eq!(d.database_url, None);
        assert_eq!(d.summary_lines().len(), 1);
    }

    #[test]
    fn missing_folder_gives_no_findings() {
        let dir = project(&[]);
        let d = detect_project(&dir.path().join("nope"));
        assert!(d.findings.is_empty());
    }

    #[test]
    fn unrelated_files_give_no_findings() {
        let dir = project(&[
            ("README.md", "# app"),
            ("src/main.rs", "fn main() {}"),
            ("migrations/README.md", "nothing here"),
            ("node_modules/x/schema.sql", "CREATE TABLE t (id SERIAL);"),
        ]);
        assert!(detect_project(dir.path()).findings.is_empty());
    }

    #[test]
    fn findings_are_sorted_by_path_then_kind() {
        let dir = project(&[
            (
                "schema.sql",
                "CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT);",
            ),
            (".env", "DATABASE_URL=postgres://app@localhost/app\n"),
            (
                "db/migrate/20240101000000_create_users.rb",
                "class CreateUsers; end",
            ),
            ("migrations/0001_init.up.sql", "CREATE TABLE a (id int);"),
            ("migrations/0001_init.down.sql", "DROP TABLE a;"),
        ]);
        let d = detect_project(dir.path());
        let paths: Vec<String> = d
            .findings
            .iter()
            .map(|f| f.path.display().to_string())
            .collect();
        assert_eq!(paths, [".env", "db/migrate", "migrations", "schema.sql"]);
        let again = detect_project(dir.path());
        assert_eq!(
            serde_json::to_string(&d).ok(),
            serde_json::to_string(&again).ok()
        );
    }

    #[test]
    fn a_url_outranks_a_guess_from_sql_syntax() {
        let dir = project(&[
            (
                "db/schema.sql",
                "CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT);",
            ),
            (".env", "DATABASE_URL=mysql://root:pw@db:3306/shop\n"),
        ]);
        let d = detect_project(dir.path());
        assert_eq!(d.dialect, Some(Dialect::Mysql));
        assert_eq!(
            d.database_url.as_deref(),
            Some("mysql://root:***@db:3306/shop")
        );
        let summary = d.summary_lines().join("\n");
        assert!(summary.contains("database: mysql (from .env)"), "{summary}");
        assert!(
            summary.contains("note: findings disagree: db/schema.sql says sqlite"),
            "{summary}"
        );
    }

    #[test]
    fn declared_configuration_outranks_a_database_file() {
        let dir = project(&[
            ("knexfile.js", "module.exports = { client: 'pg' };"),
            ("app.sqlite", "SQLite format 3\0rest"),
        ]);
        let d = detect_project(dir.path());
        assert_eq!(d.dialect, Some(Dialect::Postgres));
    }

    #[test]
    fn passwords_never_reach_debug_json_or_summary() {
        let secret = "s3cretPassw0rd";
        let dir = project(&[
            (
                ".env",
                &format!("export DATABASE_URL=\"postgres://bob:{secret}@db.internal:5432/app\"\n"),
            ),
            (
                "prisma/schema.prisma",
                &format!(
                    "datasource db {{\n  provider = \"mysql\"\n  url = \"mysql://root:{secret}@localhost/shop\"\n}}\n"
                ),
            ),
            (
                "knexfile.js",
                &format!(
                    "module.exports = {{ client: 'pg', connection: 'postgres://k:{secret}@h/db' }};"
                ),
            ),
            (
                "flyway.conf",
                &format!(
                    "flyway.url=jdbc:postgresql://h:5432/db?user=me&password={secret}\nflyway.password={secret}\n"
                ),
            ),
            (
                "config/database.yml",
                &format!(
                    "production:\n  adapter: postgresql\n  url: postgres://u:{secret}@h/db\n  password: {secret}\n"
                ),
            ),
        ]);
        let d = detect_project(dir.path());
        assert_eq!(d.findings.len(), 5, "{:#?}", d.findings);
        let debug = format!("{d:?}");
        let json = serde_json::to_string(&d).unwrap_or_default();
        let summary = d.summary_lines().join("\n");
        assert!(json.contains("***"), "{json}");
        for out in [&debug, &json, &summary] {
            assert!(!out.contains(secret), "password leaked: {out}");
        }
        assert_eq!(
            d.database_url.as_deref(),
            Some("postgres://bob:***@db.internal:5432/app")
        );
    }

    #[test]
    fn json_uses_snake_case_kinds() {
        let dir = project(&[(
            "migrations/20240101120000_init.sql",
            "CREATE TABLE t (id int);",
        )]);
        let d = detect_project(dir.path());
        let json = serde_json::to_value(&d).unwrap_or_default();
        assert_eq!(json["findings"][0]["kind"], "sqlx");
        assert_eq!(
            json["findings"][0]["migrations"]["history_table"],
            "_sqlx_migrations"
        );
    }

    #[test]
    fn summary_lists_migration_folders() {
        let dir = project(&[
            (
                "db/migrations/20240101000000_a.sql",
                "-- migrate:up\nCREATE TABLE a (id int);\n-- migrate:down\nDROP TABLE a;\n",
            ),
            (
                "db/migrations/20240202000000_b.sql",
                "-- migrate:up\nCREATE TABLE b (id int);\n-- migrate:down\nDROP TABLE b;\n",
            ),
        ]);
        let lines = detect_project(dir.path()).summary_lines();
        assert_eq!(lines[0], "database: unknown (no finding names the engine)");
        assert!(lines.iter().any(|l| l
            == "    dbmate: 2 migrations, latest 20240202000000, history table schema_migrations"),
            "{lines:#?}");
    }
}
