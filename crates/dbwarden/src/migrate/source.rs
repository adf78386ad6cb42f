//! The migrations folder: `NNNN_name.up.sql` / `NNNN_name.down.sql` pairs, read and checked
//! before anything touches a database.

use super::MigrateError;
use dbwarden_core::Dialect;
use dbwarden_sql::{Directives, Statement};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// One script (the up or the down half of a migration).
#[derive(Debug, Clone)]
pub struct Script {
    /// The file it came from.
    pub path: PathBuf,
    /// Its text.
    pub text: String,
    /// SHA-256 of the exact bytes, hex.
    pub checksum: String,
    /// SHA-256 of the text with comments and insignificant whitespace removed, hex, so an edit
    /// that touches only those can be told apart from a real change.
    pub canonical_checksum: String,
    /// `-- dbwarden:` directives from its first lines.
    pub directives: Directives,
    /// Directives that look mistyped or misplaced (and are therefore ignored).
    pub directive_warnings: Vec<String>,
    /// The statements, split once as the database's own shell would.
    statements: Vec<Statement>,
    /// Indexes of the statements a `-- dbwarden:commit` line comes before.
    commit_points: Vec<usize>,
}

impl Script {
    fn read(path: &Path, dialect: Dialect) -> Result<Script, MigrateError> {
        let bytes = std::fs::read(path).map_err(|e| MigrateError::Io {
            path: path.to_path_buf(),
            message: e.to_string(),
        })?;
        let text = String::from_utf8(bytes).map_err(|_| MigrateError::InvalidFile {
            path: path.to_path_buf(),
            reason: "it is not valid UTF-8; save it as UTF-8".into(),
        })?;
        let invalid = |e: dbwarden_sql::SplitError| MigrateError::InvalidFile {
            path: path.to_path_buf(),
            reason: e.to_string(),
        };
        let canonical = dbwarden_sql::canonical_text(&text, dialect).map_err(invalid)?;
        let statements = dbwarden_sql::split(&text, dialect).map_err(invalid)?;
        let commit_points = (1..statements.len())
            .filter(|&i| {
                text.get(statements[i - 1].span.end..statements[i].span.start)
                    .is_some_and(dbwarden_sql::has_commit_directive)
            })
            .collect();
        Ok(Script {
            path: path.to_path_buf(),
            checksum: sha256_hex(text.as_bytes()),
            canonical_checksum: sha256_hex(canonical.as_bytes()),
            directives: dbwarden_sql::directives(&text),
            directive_warnings: dbwarden_sql::directive_warnings(&text)
                .iter()
                .map(|w| format!("{}: {w}", path.display()))
                .collect(),
            text,
            statements,
            commit_points,
        })
    }

    /// Indexes of the statements before which the runner commits and begins a new
    /// transaction (`-- dbwarden:commit`); empty for a script that runs in one.
    pub fn commit_points(&self) -> &[usize] {
        &self.commit_points
    }

    /// The script's statements, split as the database's own shell would.
    pub fn statements(&self) -> &[Statement] {
        &self.statements
    }
}

/// A migration: a version, a name, an up script and (unless irreversible) a down script.
#[derive(Debug, Clone)]
pub struct Migration {
    /// The numeric version from the file name.
    pub version: u64,
    /// The version as written (keeps leading zeros for display).
    pub version_text: String,
    /// The name part of the file name.
    pub name: String,
    /// The forward script.
    pub up: Script,
    /// The rollback script.
    pub down: Option<Script>,
}

impl Migration {
    /// `0003_add_email` — how migrations are named in messages.
    pub fn label(&self) -> String {
        format!("{}_{}", self.version_text, self.name)
    }

    /// Marked `-- dbwarden:irreversible` on purpose.
    pub fn irreversible(&self) -> bool {
        self.up.directives.irreversible
    }

    /// Runs statement by statement outside a transaction (`-- dbwarden:no-transaction`).
    pub fn no_transaction(&self) -> bool {
        self.up.directives.no_transaction
    }
}

/// Every migration in a folder, sorted by version.
#[derive(Debug, Clone)]
pub struct MigrationSet {
    /// The folder.
    pub dir: PathBuf,
    /// Migrations by ascending version.
    pub migrations: Vec<Migration>,
}

impl MigrationSet {
    /// Reads and checks the folder: names parse, no version twice, every down has an up.
    /// A missing down script is not an error here; the runner refuses to apply it.
    pub fn load(dir: &Path, dialect: Dialect) -> Result<MigrationSet, MigrateError> {
        let entries = std::fs::read_dir(dir).map_err(|e| MigrateError::NoMigrations {
            dir: dir.to_path_buf(),
            reason: if e.kind() == std::io::ErrorKind::NotFound {
                "the folder does not exist".into()
            } else {
                e.to_string()
            },
        })?;
        struct Halves {
            version_text: String,
            name: String,
            up: Option<PathBuf>,
            down: Option<PathBuf>,
        }
        let mut by_version: BTreeMap<u64, Halves> = BTreeMap::new();
        let mut files: Vec<PathBuf> = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|e| MigrateError::Io {
                path: dir.to_path_buf(),
                message: e.to_string(),
            })?;
            let path = entry.path();
            // `NNNN_name.check.sql` holds a migration's validation queries (see
            // `crate::validate::CheckFile`), not a script.
            let is_check = path
                .file_name()
                .is_some_and(|n| n.to_string_lossy().ends_with(".check.sql"));
            if path.is_file() && path.extension().is_some_and(|e| e == "sql") && !is_check {
                files.push(path);
            }
        }
        files.sort();
        for path in files {
            let file_name = path
                .file_name()
                .map(|f| f.to_string_lossy().into_owned())
                .unwrap_or_default();
            let Some(parsed) = parse_file_name(&file_name) else {
                return Err(MigrateError::InvalidFile {
                    path,
                    reason: "the name is not NNNN_name.up.sql, NNNN_name.down.sql or NNNN_name.check.sql \
                             (digits, underscore, name of letters, digits, _ or -); rename it or move it out of the migrations folder"
                        .into(),
                });
            };
            let halves = by_version.entry(parsed.version).or_insert_with(|| Halves {
                version_text: parsed.version_text.clone(),
                name: parsed.name.clone(),
                up: None,
                down: None,
            });
            if halves.name != parsed.name || halves.version_text != parsed.version_text {
                return Err(MigrateError::DuplicateVersion {
                    first: format!("{}_{}", halves.version_text, halves.name),
                    second: format!("{}_{}", parsed.version_text, parsed.name),
                    version: parsed.version_text,
                });
            }
            let slot = if parsed.is_up {
                &mut halves.up
            } else {
                &mut halves.down
            };
            *slot = Some(path);
        }
        let mut migrations = Vec::with_capacity(by_version.len());
        for (version, halves) in by_version {
            let Some(up_path) = halves.up else {
                return Err(MigrateError::InvalidFile {
                    path: halves.down.unwrap_or_default(),
                    reason: "a down script without its up script; add the .up.sql file or remove this one".into(),
                });
            };
            let up = Script::read(&up_path, dialect)?;
            let down = match halves.down {
                Some(p) => Some(Script::read(&p, dialect)?),
                None => None,
            };
            migrations.push(Migration {
                version,
                version_text: halves.version_text,
                name: halves.name,
                up,
                down,
            });
        }
        Ok(MigrationSet {
            dir: dir.to_path_buf(),
            migrations,
        })
    }

    /// Every directive warning in the folder, for the user to see before anything runs.
    pub fn directive_warnings(&self) -> Vec<String> {
        self.migrations
            .iter()
            .flat_map(|m| std::iter::once(&m.up).chain(m.down.as_ref()))
            .flat_map(|s| s.directive_warnings.iter().cloned())
            .collect()
    }

    /// The migration with this version.
    pub fn get(&self, version: u64) -> Option<&Migration> {
        self.migrations.iter().find(|m| m.version == version)
    }
}

struct ParsedName {
    version: u64,
    version_text: String,
    name: String,
    is_up: bool,
}

/// `0001_create_users.up.sql` → version 1, name `create_users`, up.
fn parse_file_name(file_name: &str) -> Option<ParsedName> {
    let (stem, is_up) = if let Some(s) = file_name.strip_suffix(".up.sql") {
        (s, true)
    } else if let Some(s) = file_name.strip_suffix(".down.sql") {
        (s, false)
    } else {
        return None;
    };
    let (version_text, name) = stem.split_once('_')?;
    if version_text.is_empty() || !version_text.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        return None;
    }
    let version = version_text.parse().ok()?;
    Some(ParsedName {
        version,
        version_text: version_text.to_owned(),
        name: name.to_owned(),
        is_up,
    })
}

/// Turns a free-form name into the file-name form: lower case, `_` between words.
pub fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.trim().chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('_') && !out.is_empty() {
            out.push('_');
        }
    }
    out.trim_end_matches('_').to_owned()
}

/// Checksum of the statements of a script that have run so far (their canonical text), so a
/// resumed run can tell whether they were edited since.
#[derive(Clone)]
pub(crate) struct ProgressHasher {
    dialect: Dialect,
    hasher: Sha256,
}

impl ProgressHasher {
    pub(crate) fn new(dialect: Dialect) -> Self {
        ProgressHasher {
            dialect,
            hasher: Sha256::new(),
        }
    }

    /// Adds one completed statement.
    pub(crate) fn add(&mut self, statement: &Statement) {
        let canonical = dbwarden_sql::canonical_text(&statement.sql, self.dialect)
            .unwrap_or_else(|_| statement.sql.clone());
        self.hasher.update(canonical.as_bytes());
        self.hasher.update(b";\n");
    }

    /// The checksum so far, hex.
    pub(crate) fn checksum(&self) -> String {
        hex::encode(self.hasher.clone().finalize())
    }
}

/// SHA-256 as lower-case hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_parse() {
        let p = parse_file_name("0001_create_users.up.sql").expect("parses");
        assert_eq!(
            (p.version, p.name.as_str(), p.is_up),
            (1, "create_users", true)
        );
        let p = parse_file_name("20260101000001_t1.down.sql").expect("parses");
        assert_eq!((p.version, p.is_up), (20_260_101_000_001, false));
        for bad in [
            "create.up.sql",
            "01.up.sql",
            "x1_a.up.sql",
            "0001_a b.up.sql",
            "0001_a.sql",
        ] {
            assert!(parse_file_name(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn slugs() {
        assert_eq!(slug("Add email Verification!"), "add_email_verification");
        assert_eq!(slug("  x  "), "x");
    }
}
