//! Where the database URL comes from: `--database-url`, then `DATABASE_URL` in the
//! environment, then a `DATABASE_URL=` line in `.env` in the project folder.

use dbwarden_engine::ConnectionUrl;
use dbwarden_engine::url::UrlError;
use std::fmt;
use std::path::Path;
use thiserror::Error;

/// Where the URL was found, for messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UrlSource {
    /// The `--database-url` flag.
    Flag,
    /// The `DATABASE_URL` environment variable.
    Environment,
    /// A `.env` file.
    DotEnv(std::path::PathBuf),
}

impl fmt::Display for UrlSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UrlSource::Flag => f.write_str("--database-url"),
            UrlSource::Environment => f.write_str("DATABASE_URL in the environment"),
            UrlSource::DotEnv(p) => write!(f, "DATABASE_URL in {}", p.display()),
        }
    }
}

/// Why no usable URL was found.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// None of the sources gave a URL.
    #[error(
        "no database URL: pass --database-url, set DATABASE_URL, or put DATABASE_URL=... in .env (e.g. sqlite:app.db, postgres://user@localhost/app, mysql://root@localhost/app)"
    )]
    NoUrl,
    /// A URL was found but is not valid.
    #[error("{source_name}: {error}")]
    BadUrl {
        /// Where it came from.
        source_name: String,
        /// What is wrong.
        error: UrlError,
    },
    /// `.env` exists but cannot be parsed.
    #[error("{path}: {message}")]
    DotEnv {
        /// The file.
        path: String,
        /// The parser's complaint (the line is not echoed, it may hold a password).
        message: String,
    },
}

/// Finds and parses the database URL.
pub fn resolve_database_url(
    flag: Option<&str>,
    project_dir: &Path,
) -> Result<(ConnectionUrl, UrlSource), ConfigError> {
    let (raw, source) = if let Some(url) = flag.filter(|u| !u.trim().is_empty()) {
        (url.to_owned(), UrlSource::Flag)
    } else if let Some(url) = std::env::var("DATABASE_URL")
        .ok()
        .filter(|u| !u.trim().is_empty())
    {
        (url, UrlSource::Environment)
    } else {
        let path = project_dir.join(".env");
        match dotenv_database_url(&path)? {
            Some(url) => (url, UrlSource::DotEnv(path)),
            None => return Err(ConfigError::NoUrl),
        }
    };
    let url = ConnectionUrl::parse(&raw).map_err(|error| ConfigError::BadUrl {
        source_name: source.to_string(),
        error,
    })?;
    Ok((url, source))
}

fn dotenv_database_url(path: &Path) -> Result<Option<String>, ConfigError> {
    if !path.is_file() {
        return Ok(None);
    }
    let iter = dotenvy::from_path_iter(path).map_err(|e| ConfigError::DotEnv {
        path: path.display().to_string(),
        message: e.to_string(),
    })?;
    for item in iter {
        let (key, value) = item.map_err(|_| ConfigError::DotEnv {
            path: path.display().to_string(),
            message: "a line cannot be parsed; check quoting".into(),
        })?;
        if key == "DATABASE_URL" {
            return Ok(Some(value));
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flag_wins_and_dotenv_is_read() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(
            dir.path().join(".env"),
            "OTHER=1\nDATABASE_URL=\"sqlite:from_env_file.db\"\n",
        )
        .expect("write");
        let (url, source) =
            resolve_database_url(Some("sqlite:flag.db"), dir.path()).expect("resolves");
        assert_eq!(source, UrlSource::Flag);
        assert_eq!(url.sqlite_path(), Some(Path::new("flag.db")));
        // DATABASE_URL may be set in the environment of whoever runs the tests; only check the
        // .env path when it is not.
        if std::env::var("DATABASE_URL").is_err() {
            let (url, source) = resolve_database_url(None, dir.path()).expect("resolves");
            assert!(matches!(source, UrlSource::DotEnv(_)));
            assert_eq!(url.sqlite_path(), Some(Path::new("from_env_file.db")));
        }
    }

    #[test]
    fn bad_url_names_its_source_without_password() {
        let err = resolve_database_url(Some("oracle://u:topsecret@h/db"), Path::new("."))
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("--database-url"), "{err}");
        assert!(err.contains("unknown database URL scheme"), "{err}");
        assert!(!err.contains("topsecret"), "{err}");
    }
}

/// The project's `dbwarden.toml`, read from the project folder when present:
///
/// ```toml
/// [lint]
/// disabled = ["prefer-text-over-varchar"]   # rules that do not run
/// allowed = ["rename-column"]               # findings accepted for every run
/// large_table_rows = 1000000               # lint --impact: rewrite/scan warnings above become errors
///
/// [lint.severity]
/// missing-lock-timeout = "error"            # raise or lower a rule
/// ```
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ProjectConfig {
    /// Lint settings.
    pub lint: LintSection,
}

/// The `[lint]` table.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LintSection {
    /// Rules that do not run.
    pub disabled: Vec<String>,
    /// Rules whose findings are accepted.
    pub allowed: Vec<String>,
    /// Rule id → `error` or `warning`.
    pub severity: std::collections::BTreeMap<String, String>,
    /// Rows above which a warning on a statement that rewrites or scans the table becomes an
    /// error in `dbwarden lint --impact` (default [`crate::impact::DEFAULT_LARGE_TABLE_ROWS`]).
    pub large_table_rows: Option<u64>,
}

/// Why `dbwarden.toml` cannot be used.
#[derive(Debug, Error)]
#[error("{path}: {message}")]
pub struct ProjectConfigError {
    /// The file.
    pub path: String,
    /// What is wrong, and how to fix it.
    pub message: String,
}

/// The name of the project config file.
pub const PROJECT_CONFIG_FILE: &str = "dbwarden.toml";

impl ProjectConfig {
    /// Reads `dbwarden.toml` in `project_dir`; a missing file is the default configuration.
    pub fn load(project_dir: &Path) -> Result<ProjectConfig, ProjectConfigError> {
        let path = project_dir.join(PROJECT_CONFIG_FILE);
        let error = |message: String| ProjectConfigError {
            path: path.display().to_string(),
            message,
        };
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(ProjectConfig::default());
            }
            Err(e) => return Err(error(e.to_string())),
        };
        toml::from_str(&text).map_err(|e| error(e.to_string()))
    }

    /// The lint configuration it describes. Unknown rule ids and severities are errors, so a
    /// typo never silently turns a rule off.
    pub fn lint_config(&self) -> Result<dbwarden_lint::LintConfig, ProjectConfigError> {
        let error = |message: String| ProjectConfigError {
            path: PROJECT_CONFIG_FILE.into(),
            message,
        };
        let rule = |id: &str| {
            dbwarden_lint::Rule::from_id(id).ok_or_else(|| {
                error(format!(
                    "[lint] names `{id}`, which is not a rule (see docs/lint/)"
                ))
            })
        };
        let mut config = dbwarden_lint::LintConfig::default();
        for id in &self.lint.disabled {
            config.disabled.push(rule(id)?);
        }
        for id in &self.lint.allowed {
            config.allowed.push(rule(id)?);
        }
        for (id, level) in &self.lint.severity {
            let severity = match level.as_str() {
                "error" => dbwarden_lint::Severity::Error,
                "warning" => dbwarden_lint::Severity::Warning,
                other => {
                    return Err(error(format!(
                        "[lint.severity] {id} = \"{other}\": use \"error\" or \"warning\""
                    )));
                }
            };
            config.severity_overrides.push((rule(id)?, severity));
        }
        Ok(config)
    }
}

#[cfg(test)]
mod project_config_tests {
    use super::*;

    #[test]
    fn lint_section_becomes_a_lint_config() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(
            dir.path().join(PROJECT_CONFIG_FILE),
            "[lint]\ndisabled = [\"prefer-jsonb\"]\nallowed = [\"rename-column\"]\n[lint.severity]\nmissing-lock-timeout = \"error\"\n",
        )
        .expect("write");
        let config = ProjectConfig::load(dir.path())
            .and_then(|c| c.lint_config())
            .expect("valid");
        assert!(!config.is_enabled(dbwarden_lint::Rule::from_id("prefer-jsonb").expect("rule")));
        assert!(config.is_allowed(dbwarden_lint::Rule::from_id("rename-column").expect("rule")));
        let timeout = dbwarden_lint::Rule::from_id("missing-lock-timeout").expect("rule");
        assert_eq!(config.severity(timeout), dbwarden_lint::Severity::Error);
    }

    #[test]
    fn typos_are_errors_not_silence() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(
            dir.path().join(PROJECT_CONFIG_FILE),
            "[lint]\ndisabled = [\"drop-tabel\"]\n",
        )
        .expect("write");
        let err = ProjectConfig::load(dir.path())
            .and_then(|c| c.lint_config())
            .err()
            .map(|e| e.to_string());
        assert!(err.is_some_and(|e| e.contains("drop-tabel")));
        std::fs::write(dir.path().join(PROJECT_CONFIG_FILE), "[lnit]\n").expect("write");
        assert!(ProjectConfig::load(dir.path()).is_err());
        assert!(ProjectConfig::load(&dir.path().join("none")).is_ok());
    }
}
