//! Folders of numbered SQL migrations: sqlx, dbmate, golang-migrate and dbwarden's own
//! `NNNN_name.up.sql` / `.down.sql` layout, plus dbwarden's configuration file.
//!
//! The four tools share file names, so the names alone rarely settle it:
//! - dbmate keeps up and down in one `<version>_<name>.sql` file, split by `-- migrate:up` and
//!   `-- migrate:down` comments: those markers decide.
//! - sqlx accepts `<version>_<name>.sql` (simple) or `.up.sql`/`.down.sql` (reversible) files,
//!   and marks some with `-- no-transaction`; a `sqlx` dependency or a `.sqlx/` query cache
//!   points to it too.
//! - golang-migrate needs `.up.sql`/`.down.sql`; `go.mod` requiring it decides.
//! - dbwarden uses up/down pairs and `-- dbwarden:` directives, and has `dbwarden.toml`.
//!
//! Up/down pairs with no marker at all are reported as golang-migrate (the layout it defines),
//! with a reason that says sqlx or dbwarden are equally possible.

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::config_text::string_values;
use super::redact::inspect_url;
use super::tree::{MARKER_LIMIT, Tree};
use super::{Evidence, FindingKind, MigrationFolder, Strength, counted};

/// Where these tools keep migrations by default (sqlx and golang-migrate: `migrations/`;
/// dbmate: `db/migrations/`).
const FOLDERS: [&str; 4] = [
    "migrations",
    "db/migrations",
    "database/migrations",
    "sql/migrations",
];

/// Splits `0042_add_users` into (`0042`, `add_users`): leading digits, `_`, the rest.
pub(super) fn split_numbered(name: &str) -> Option<(&str, &str)> {
    let digits_end = name
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(name.len());
    if digits_end == 0 {
        return None;
    }
    let rest = name[digits_end..].strip_prefix('_')?;
    Some((&name[..digits_end], rest))
}

/// Orders version numbers by value (`10` after `9`, `0010` equal in rank to `10` but ordered
/// after it so that the order stays total), without overflowing on long timestamps.
pub(super) fn version_cmp(a: &str, b: &str) -> Ordering {
    let (ta, tb) = (a.trim_start_matches('0'), b.trim_start_matches('0'));
    ta.len()
        .cmp(&tb.len())
        .then_with(|| ta.cmp(tb))
        .then_with(|| a.cmp(b))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Direction {
    Plain,
    Up,
    Down,
}

/// `<version>_<name>.sql`, `.up.sql` or `.down.sql`.
fn parse_file_name(name: &str) -> Option<(&str, Direction)> {
    let stem = name.strip_suffix(".sql")?;
    let (version, rest) = split_numbered(stem)?;
    let (title, direction) = if let Some(title) = rest.strip_suffix(".up") {
        (title, Direction::Up)
    } else if let Some(title) = rest.strip_suffix(".down") {
        (title, Direction::Down)
    } else {
        (rest, Direction::Plain)
    };
    (!title.is_empty()).then_some((version, direction))
}

/// Project-level files that name one of the tools.
#[derive(Debug, Default)]
struct ToolMarkers {
    cargo_sqlx: bool,
    sqlx_cache: bool,
    go_mod_golang_migrate: bool,
    dbwarden_toml: bool,
}

impl ToolMarkers {
    fn read(tree: &Tree) -> Self {
        let cargo_sqlx = tree.read_text("Cargo.toml").is_some_and(|text| {
            text.lines().any(|line| {
                let line = line.trim();
                line.strip_prefix("sqlx")
                    .is_some_and(|rest| rest.trim_start().starts_with('='))
                    || line.contains("dependencies.sqlx]")
            })
        });
        ToolMarkers {
            cargo_sqlx,
            sqlx_cache: tree.is_dir(".sqlx"),
            go_mod_golang_migrate: tree
                .read_text("go.mod")
                .is_some_and(|text| text.contains("github.com/golang-migrate/migrate")),
            dbwarden_toml: tree.is_file("dbwarden.toml"),
        }
    }
}

/// What the files of one folder hold.
#[derive(Debug, Default)]
struct FolderScan {
    /// Per version: which directions exist.
    versions: BTreeMap<String, [bool; 3]>,
    files: usize,
    dbmate_files: usize,
    no_transaction_file: Option<String>,
    dbwarden_directive_file: Option<String>,
}

impl FolderScan {
    fn read(tree: &Tree, folder: &Path) -> Option<Self> {
        let listing = tree.list(folder)?;
        let mut scan = FolderScan::default();
        for name in &listing.files {
            let Some((version, direction)) = parse_file_name(name) else {
                continue;
            };
            scan.files += 1;
            let slot = match direction {
                Direction::Plain => 0,
                Direction::Up => 1,
                Direction::Down => 2,
            };
            scan.versions.entry(version.to_owned()).or_default()[slot] = true;
            let Some(text) = tree.read_text_limited(folder.join(name), MARKER_LIMIT) else {
                continue;
            };
            let mut lines = text.lines().map(str::trim);
            if lines.clone().find(|l| !l.is_empty()) == Some("-- no-transaction") {
                scan.no_transaction_file.get_or_insert_with(|| name.clone());
            }
            if lines.clone().any(|l| l.starts_with("-- migrate:up")) {
                scan.dbmate_files += 1;
            }
            if lines.any(|l| l.starts_with("-- dbwarden:")) {
                scan.dbwarden_directive_file
                    .get_or_insert_with(|| name.clone());
            }
        }
        (!scan.versions.is_empty()).then_some(scan)
    }

    fn count(&self, slot: usize) -> usize {
        self.versions.values().filter(|v| v[slot]).count()
    }

    fn latest(&self) -> Option<String> {
        self.versions
            .keys()
            .max_by(|a, b| version_cmp(a, b))
            .cloned()
    }
}

pub(super) fn detect(tree: &Tree) -> Vec<Evidence> {
    let markers = ToolMarkers::read(tree);
    let mut found = Vec::new();
    if markers.dbwarden_toml {
        found.push(dbwarden_config(tree));
    }
    for folder in FOLDERS {
        let folder = Path::new(folder);
        if let Some(scan) = FolderScan::read(tree, folder) {
            found.push(classify(folder, &scan, &markers));
        }
    }
    found
}

fn dbwarden_config(tree: &Tree) -> Evidence {
    let text = tree.read_text("dbwarden.toml").unwrap_or_default();
    let url = ["database_url", "url"]
        .iter()
        .find_map(|key| string_values(&text, key).into_iter().next())
        .map(|literal| inspect_url(&literal.value));
    let (dialect, reason) = match &url {
        Some(url) => (
            url.dialect,
            format!("dbwarden.toml names the database {}", url.shown),
        ),
        None => (
            None,
            "dbwarden.toml: the project is already set up for dbwarden".to_owned(),
        ),
    };
    Evidence::new(
        FindingKind::Dbwarden,
        "dbwarden.toml",
        dialect,
        Strength::Declared,
        reason,
    )
    .with_url(url.and_then(|u| u.usable_url()))
}

fn classify(folder: &Path, scan: &FolderScan, markers: &ToolMarkers) -> Evidence {
    let where_ = folder.display();
    let n = scan.versions.len();
    let plain = scan.count(0);
    let ups = scan.count(1);
    let downs = scan.count(2);
    let (kind, reason) = if scan.dbmate_files > 0 {
        (
            FindingKind::Dbmate,
            format!(
                "{} of {} migration files in {where_} contain `-- migrate:up`: dbmate's format",
                scan.dbmate_files, scan.files
            ),
        )
    } else if ups + downs > 0 {
        paired(folder, scan, markers, plain, ups, downs)
    } else {
        let mut reason = format!(
            "{} in {where_} without .up/.down suffixes or dbmate \
             markers: sqlx's simple migrations",
            counted(n, "`<version>_<name>.sql` file")
        );
        let sqlx = sqlx_signs(scan, markers);
        if !sqlx.is_empty() {
            reason.push_str(&format!("; {}", sqlx.join(", ")));
        }
        (FindingKind::Sqlx, reason)
    };
    let (tool, history_table) = tool_and_table(kind);
    Evidence::new(kind, folder, None, Strength::Guess, reason).with_migrations(MigrationFolder {
        tool: tool.to_owned(),
        path: PathBuf::from(folder),
        count: n,
        latest_version: scan.latest(),
        history_table: history_table.to_owned(),
    })
}

fn sqlx_signs(scan: &FolderScan, markers: &ToolMarkers) -> Vec<String> {
    let mut signs = Vec::new();
    if let Some(file) = &scan.no_transaction_file {
        signs.push(format!("sqlx's `-- no-transaction` marker in {file}"));
    }
    if markers.cargo_sqlx {
        signs.push("Cargo.toml depends on sqlx".to_owned());
    }
    if markers.sqlx_cache {
        signs.push("a .sqlx/ query cache".to_owned());
    }
    signs
}

/// Up/down pairs: decided by markers, golang-migrate when there are none.
fn paired(
    folder: &Path,
    scan: &FolderScan,
    markers: &ToolMarkers,
    plain: usize,
    ups: usize,
    downs: usize,
) -> (FindingKind, String) {
    let n = scan.versions.len();
    let mut reason = format!(
        "{} in {} as `<version>_<name>.up.sql`/`.down.sql` pairs",
        counted(n, "migration"),
        folder.display()
    );
    if ups < n {
        reason.push_str(&format!(" ({} without .up.sql)", n - ups));
    }
    if downs < n {
        reason.push_str(&format!(" ({} without .down.sql)", n - downs));
    }
    if plain > 0 {
        reason.push_str(&format!(" and {plain} without a direction suffix"));
    }
    let mut dbwarden = Vec::new();
    if let Some(file) = &scan.dbwarden_directive_file {
        dbwarden.push(format!("a `-- dbwarden:` directive in {file}"));
    }
    if markers.dbwarden_toml {
        dbwarden.push("dbwarden.toml".to_owned());
    }
    let mut golang = Vec::new();
    if markers.go_mod_golang_migrate {
        golang.push("go.mod requires github.com/golang-migrate/migrate".to_owned());
    }
    let sqlx = sqlx_signs(scan, markers);
    let candidates = [
        (FindingKind::Dbwarden, dbwarden),
        (FindingKind::GolangMigrate, golang),
        (FindingKind::Sqlx, sqlx),
    ];
    let Some(chosen) = candidates.iter().position(|(_, signs)| !signs.is_empty()) else {
        reason.push_str(
            " and no sqlx, dbwarden or dbmate markers: golang-migrate's layout; sqlx reversible \
             migrations and dbwarden's own layout use the same names, so either is possible",
        );
        return (FindingKind::GolangMigrate, reason);
    };
    let (kind, signs) = &candidates[chosen];
    reason.push_str(&format!("; {}: {}", kind.label(), signs.join(", ")));
    for (other, signs) in candidates.iter().skip(chosen + 1) {
        if !signs.is_empty() {
            reason.push_str(&format!(
                "; {} is possible too: {}",
                other.label(),
                signs.join(", ")
            ));
        }
    }
    (*kind, reason)
}

fn tool_and_table(kind: FindingKind) -> (&'static str, &'static str) {
    match kind {
        FindingKind::Dbmate => ("dbmate", "schema_migrations"),
        FindingKind::GolangMigrate => ("golang-migrate", "schema_migrations"),
        FindingKind::Dbwarden => ("dbwarden", "dbwarden_migrations"),
        _ => ("sqlx", "_sqlx_migrations"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use dbwarden_core::Dialect;

    use crate::detect::fixture::detect;

    #[test]
    fn names_and_versions() {
        assert_eq!(
            split_numbered("0042_add_users"),
            Some(("0042", "add_users"))
        );
        assert_eq!(split_numbered("V1__x"), None);
        assert_eq!(split_numbered("42"), None);
        assert_eq!(parse_file_name("1_a.up.sql"), Some(("1", Direction::Up)));
        assert_eq!(
            parse_file_name("1_a.down.sql"),
            Some(("1", Direction::Down))
        );
        assert_eq!(
            parse_file_name("20240101_a.sql"),
            Some(("20240101", Direction::Plain))
        );
        assert_eq!(parse_file_name("1_.up.sql"), None);
        assert_eq!(parse_file_name("README.md"), None);
        assert_eq!(version_cmp("9", "10"), Ordering::Less);
        assert_eq!(version_cmp("0010", "9"), Ordering::Greater);
        assert_eq!(
            version_cmp("99999999999999999999999", "100000000000000000000000"),
            Ordering::Less
        );
    }

    #[test]
    fn plain_numbered_files_are_sqlx() {
        let d = detect(&[
            (
                "migrations/20240101120000_init.sql",
                "CREATE TABLE a (id int);",
            ),
            (
                "migrations/20240301120000_users.sql",
                "-- no-transaction\nCREATE INDEX CONCURRENTLY i ON a (id);",
            ),
            ("migrations/README.md", "docs"),
        ]);
        assert_eq!(d.findings.len(), 1);
        let f = &d.findings[0];
        assert_eq!(f.kind, FindingKind::Sqlx);
        assert!(
            f.reason
                .contains("sqlx's `-- no-transaction` marker in 20240301120000_users.sql"),
            "{}",
            f.reason
        );
        assert_eq!(
            f.migrations,
            Some(MigrationFolder {
                tool: "sqlx".into(),
                path: "migrations".into(),
                count: 2,
                latest_version: Some("20240301120000".into()),
                history_table: "_sqlx_migrations".into(),
            })
        );
    }

    #[test]
    fn reversible_pairs_with_a_sqlx_dependency_are_sqlx() {
        let d = detect(&[
            (
                "Cargo.toml",
                "[dependencies]\nsqlx = { version = \"0.8\" }\n",
            ),
            (
                "migrations/20240101120000_init.up.sql",
                "CREATE TABLE a (id int);",
            ),
            ("migrations/20240101120000_init.down.sql", "DROP TABLE a;"),
        ]);
        let f = &d.findings[0];
        assert_eq!(f.kind, FindingKind::Sqlx);
        assert!(
            f.reason.contains("Cargo.toml depends on sqlx"),
            "{}",
            f.reason
        );
        assert_eq!(f.migrations.as_ref().map(|m| m.count), Some(1));
    }

    #[test]
    fn dbmate_markers_decide() {
        let d = detect(&[(
            "db/migrations/20240101000000_create_users.sql",
            "-- migrate:up\nCREATE TABLE users (id int);\n\n-- migrate:down\nDROP TABLE users;\n",
        )]);
        let f = &d.findings[0];
        assert_eq!(f.kind, FindingKind::Dbmate);
        assert_eq!(f.path, PathBuf::from("db/migrations"));
        assert_eq!(
            f.reason,
            "1 of 1 migration files in db/migrations contain `-- migrate:up`: dbmate's format"
        );
        let m = f.migrations.as_ref().expect("folder");
        assert_eq!(
            (m.tool.as_str(), m.history_table.as_str()),
            ("dbmate", "schema_migrations")
        );
    }

    #[test]
    fn unmarked_pairs_are_golang_migrate_and_say_sqlx_is_possible() {
        let d = detect(&[
            (
                "migrations/000001_create_users.up.sql",
                "CREATE TABLE users (id int);",
            ),
            (
                "migrations/000001_create_users.down.sql",
                "DROP TABLE users;",
            ),
            (
                "migrations/000002_add_email.up.sql",
                "ALTER TABLE users ADD email text;",
            ),
        ]);
        let f = &d.findings[0];
        assert_eq!(f.kind, FindingKind::GolangMigrate);
        assert!(f.reason.contains("(1 without .down.sql)"), "{}", f.reason);
        assert!(
            f.reason.contains("sqlx reversible migrations"),
            "{}",
            f.reason
        );
        assert!(f.reason.contains("either is possible"), "{}", f.reason);
        let m = f.migrations.as_ref().expect("folder");
        assert_eq!(m.tool, "golang-migrate");
        assert_eq!(m.count, 2);
        assert_eq!(m.latest_version.as_deref(), Some("000002"));
        assert_eq!(m.history_table, "schema_migrations");
    }

    #[test]
    fn go_mod_confirms_golang_migrate() {
        let d = detect(&[
            (
                "go.mod",
                "module x\nrequire github.com/golang-migrate/migrate/v4 v4.17.0\n",
            ),
            ("db/migrations/1_init.up.sql", "CREATE TABLE a (id int);"),
            ("db/migrations/1_init.down.sql", "DROP TABLE a;"),
        ]);
        let f = &d.findings[0];
        assert_eq!(f.kind, FindingKind::GolangMigrate);
        assert!(
            f.reason
                .ends_with("golang-migrate: go.mod requires github.com/golang-migrate/migrate"),
            "{}",
            f.reason
        );
    }

    #[test]
    fn dbwarden_layout_with_its_markers_is_dbwarden() {
        let d = detect(&[
            (
                "dbwarden.toml",
                "database_url = \"postgres://me:topsecret@localhost/app\"\n",
            ),
            (
                "migrations/0001_init.up.sql",
                "-- dbwarden: no-transaction\nCREATE INDEX CONCURRENTLY i ON a (id);",
            ),
            ("migrations/0001_init.down.sql", "DROP INDEX i;"),
            ("migrations/0002_more.up.sql", "SELECT 1;"),
            ("migrations/0002_more.down.sql", "SELECT 1;"),
        ]);
        assert_eq!(d.findings.len(), 2);
        let config = &d.findings[0];
        assert_eq!(config.path, PathBuf::from("dbwarden.toml"));
        assert_eq!(config.dialect, Some(Dialect::Postgres));
        assert_eq!(
            d.database_url.as_deref(),
            Some("postgres://me:***@localhost/app")
        );
        let folder = &d.findings[1];
        assert_eq!(folder.kind, FindingKind::Dbwarden);
        assert!(
            folder
                .reason
                .contains("a `-- dbwarden:` directive in 0001_init.up.sql, dbwarden.toml"),
            "{}",
            folder.reason
        );
        let m = folder.migrations.as_ref().expect("folder");
        assert_eq!((m.count, m.latest_version.as_deref()), (2, Some("0002")));
        assert_eq!(m.history_table, "dbwarden_migrations");
        assert!(!format!("{d:?}").contains("topsecret"));
    }
}
